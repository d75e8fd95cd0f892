"""quizapp.services.xlsx: the workbooks it writes open in openpyxl with the values, types and layout given."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from quizapp.services.xlsx import column_letter, sheet_name, workbook_bytes


def _open(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_values_keep_their_types_and_the_header_is_bold() -> None:
    rows = [
        ["Ann", datetime(2026, 1, 10, 10, 8), 8.0, 40, None, True],
        ["  spaced  ", datetime(2026, 6, 1, 9, 30, 15), -0.5, 0, "", False],
    ]
    sheet = _open(workbook_bytes("Results", ["Name", "When", "Minutes", "Percent", "Team", "Flag"], rows))
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Name", "When", "Minutes", "Percent", "Team", "Flag"]
    assert values[1] == ["Ann", datetime(2026, 1, 10, 10, 8), 8.0, 40, None, True]
    assert values[2][0] == "  spaced  "  # leading and trailing spaces kept
    assert values[2][1] == datetime(2026, 6, 1, 9, 30, 15)
    assert values[2][2:4] == [-0.5, 0] and values[2][5] is False
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd hh:mm"


def test_layout_frozen_panes_and_widths() -> None:
    sheet = _open(workbook_bytes("Results", ["A", "B", "C"], [[1, 2, 3]], widths=[28, 14, 14]))
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 28 and sheet.column_dimensions["C"].width == 14
    assert sheet.title == "Results"


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "Tom & Jerry", 'say "hi"', "=SUM(1+1)", "naïve café", "tab\there", "line\nbreak",
])
def test_text_is_stored_as_text_exactly(text: str) -> None:
    sheet = _open(workbook_bytes("T", ["h"], [[text]]))
    cell = sheet["A2"]
    assert cell.value == text and cell.data_type == "s"  # never "f" (formula)


def test_characters_xml_cannot_carry_are_dropped() -> None:
    sheet = _open(workbook_bytes("T", ["h"], [["a\x00b\x07c\x1fd\uffff\ufffee\ud800"]]))
    assert sheet["A2"].value == "abcde"


def test_non_finite_numbers_are_left_empty() -> None:
    sheet = _open(workbook_bytes("T", ["a", "b"], [[float("nan"), float("inf")]]))
    assert sheet["A2"].value is None and sheet["B2"].value is None


@pytest.mark.parametrize(("title", "expected"), [
    ("Results", "Results"), ("a/b:c*d?e[f]g\\h", "a b c d e f g h"), ("x" * 40, "x" * 31), ("///", "Sheet1"),
    ('Tom & "Jerry" <Ltd>', 'Tom & "Jerry" <Ltd>'),
])
def test_sheet_names_are_valid(title: str, expected: str) -> None:
    assert sheet_name(title) == expected
    assert _open(workbook_bytes(title, ["h"], [])).title == expected


@pytest.mark.parametrize(("n", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_column_letters(n: int, letters: str) -> None:
    assert column_letter(n) == letters


def test_the_package_has_the_parts_excel_needs() -> None:
    names = set(zipfile.ZipFile(io.BytesIO(workbook_bytes("T", ["h"], [[1]]))).namelist())
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= names


@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=30), st.integers(-10**9, 10**9),
                                   st.floats(allow_nan=False, allow_infinity=False, width=32)),
                         min_size=3, max_size=3), max_size=5))
def test_any_values_round_trip(rows: list[list[object]]) -> None:
    sheet = _open(workbook_bytes("T", ["a", "b", "c"], rows))
    read = [list(r) for r in sheet.iter_rows(min_row=2, max_col=3, values_only=True)]
    expected = []
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cleaned = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
                cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")  # XML normalises line ends
                value = cleaned
            cells.append(value)
        expected.append(cells)
    # openpyxl drops trailing empty rows; compare what it read
    assert read == expected[:len(read)]
    assert all(all(v is None for v in row) for row in expected[len(read):])


def test_a_row_wider_than_the_header_is_refused() -> None:
    with pytest.raises(ValueError, match="row 3 has 3 values for 2 columns"):
        workbook_bytes("T", ["a", "b"], [[1, 2], [1, 2, 3]])
