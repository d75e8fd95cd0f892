"""Browsing and searching the imported content."""

from __future__ import annotations

import pytest

from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.helpers import check_page, text_of


@pytest.fixture
def trainer(fx, auth, users):
    auth.as_role("trainer")
    return auth.client


@pytest.mark.parametrize(
    ("path", "title", "says"),
    [
        ("/trainer/", "Question banks", ["Fixture framework", "Search items", "Upload bank files"]),
        ("/trainer/frameworks/fx", "Fixture framework", ["A Statement A", "Fixture bank", "Fixture mock"]),
        ("/trainer/banks/fx-bank", "Fixture bank", ["4 standalone items", "fx-s1", "Single one?", "Case scenario: The Fixture family"]),
        ("/trainer/scenarios/fx-sc1", "Case scenario: The Fixture family", ["A vignette about the Fixture family.", "fx-sc1-2"]),
        ("/trainer/items/fx-o1", "Item fx-o1", ["Versions, newest first", "Version 1 (current)", "O1 first", "Rationale for O1.", "scoring partial"]),
        ("/trainer/tests/fx-mock", "Fixture mock", ["4 items", "1 scenario", "Preview a form", "Item analysis", "Blueprint coverage"]),
    ],
)
def test_pages(trainer, path, title, says):
    response = trainer.get(path)
    check_page(response, title=title)
    text = text_of(response)
    for words in says:
        assert words in text, words


def test_framework_counts_items_per_statement(trainer):
    text = text_of(trainer.get("/trainer/frameworks/fx"))
    # A: fx-s1, fx-o1 (knowledge); B: fx-s2 and fx-sc1-1 (reasoning); C: fx-m1, fx-o1, fx-sc1-2
    assert "A Statement A 2 0 2" in text
    assert "B Statement B 1 1 2" in text
    assert "C Statement C 2 1 3" in text


@pytest.mark.parametrize("path", ["/trainer/frameworks/nope", "/trainer/banks/nope", "/trainer/scenarios/nope",
                                  "/trainer/items/nope", "/trainer/tests/nope", "/trainer/items/fx-s1/preview?version=9"])
def test_unknown_ids_are_404(trainer, path):
    check_page(trainer.get(path), status=404)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("q=Single", ["fx-s1", "fx-s2"]),
        ("q=s2+wrong+b", ["fx-s2"]),  # option text
        ("q=Fixture+family", ["fx-sc1-1", "fx-sc1-2"]),  # scenario text
        ("q=s.17", ["fx-s2"]),  # references
        ("q=100%25", []),  # a literal %, not a wildcard
        ("id=sc1", ["fx-sc1-1", "fx-sc1-2"]),
        ("statement=c", ["fx-m1", "fx-o1", "fx-sc1-2"]),
        ("statement=C&section=reasoning", ["fx-sc1-2"]),
        ("type=ordering", ["fx-o1"]),
        ("framework=fx&type=multiple", ["fx-m1"]),
        ("framework=other", []),
        ("section=bogus&type=single", ["fx-s1", "fx-s2", "fx-sc1-1", "fx-sc1-2"]),  # unknown values are ignored
    ],
)
def test_search(trainer, query, found):
    response = trainer.get(f"/trainer/search?{query}")
    check_page(response, title="Search items")
    text = text_of(response)
    assert f"{len(found)} item{'s' if len(found) != 1 else ''} found" in text
    for key in ["fx-s1", "fx-s2", "fx-m1", "fx-o1", "fx-sc1-1", "fx-sc1-2"]:
        assert (key in text) is (key in found), key


def test_search_without_criteria_shows_the_form_only(trainer):
    text = text_of(trainer.get("/trainer/search"))
    assert "Fill in any of the fields" in text and "found" not in text


def test_search_hides_retired_items_unless_asked(fx, trainer, runner, tmp_path):
    trimmed = tmp_path / "banks"
    trimmed.mkdir()
    for name in ("framework.yaml", "test.yaml"):
        (trimmed / name).write_text((FIXTURE_BANKS / name).read_text())
    text = (FIXTURE_BANKS / "bank.yaml").read_text()
    start = text.index("  - id: fx-o1")
    end = text.index("scenarios:")
    (trimmed / "bank.yaml").write_text(text[:start] + text[end:])
    result = runner.invoke(args=["import", str(trimmed / "bank.yaml"), str(trimmed / "framework.yaml")])
    assert "retired item fx-o1" in result.output
    assert "0 items found" in text_of(trainer.get("/trainer/search?id=fx-o1"))
    found = text_of(trainer.get("/trainer/search?id=fx-o1&retired=1"))
    assert "1 item found" in found and "Retired" in found


def test_search_pages(trainer, monkeypatch):
    from quizapp.services import workspace

    monkeypatch.setattr(workspace, "PAGE_SIZE", 4)
    first = trainer.get("/trainer/search?q=%3F")  # every stem has a ?
    check_page(first)
    assert "Page 1 of 2" in text_of(first) and "Next" in text_of(first)
    second = text_of(trainer.get("/trainer/search?q=%3F&page=2"))
    assert "Page 2 of 2" in second and "Previous" in second
