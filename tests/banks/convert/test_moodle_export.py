"""Exporting banks as Moodle XML: the file parses with a strict parser, and reading it back with
our own Moodle importer gives the same items (ids, types, keys, texts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from quizapp.banks.convert import moodle_export, moodle_xml
from quizapp.banks.convert.bank_yaml import BankOptions, item_ids
from quizapp.banks.validate import load_bank_set
from quizapp.domain.markup import render

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "question_banks"
FIXTURES = ROOT / "tests" / "fixtures" / "banks"


def strict(xml: str):
    """Parsed by expat through defusedxml, refusing any DTD or entity: only well-formed XML passes."""
    return SafeET.fromstring(xml.encode("utf-8"), forbid_dtd=True, forbid_entities=True, forbid_external=True)


@pytest.fixture(scope="module")
def shipped():
    bank_set = load_bank_set([SHIPPED])
    assert bank_set.ok, bank_set.problems[:3]
    return bank_set


def shown(markdown: str) -> str:
    """Text as candidates see it: the HTML it renders to, with runs of whitespace as one space
    (a line break inside a YAML paragraph is a space on the page, and comes back as one)."""
    return " ".join(render(markdown).split())


def export(bank_set, keys=None) -> str:
    banks = [b for k, b in sorted(bank_set.banks.items()) if keys is None or k in keys]
    return moodle_export.to_moodle_xml(banks, title="Shipped banks", frameworks=bank_set.frameworks)


def test_the_export_parses_with_a_strict_parser(shipped):
    root = strict(export(shipped))
    assert root.tag == "quiz"
    kinds = [q.get("type") for q in root.findall("question")]
    assert set(kinds) <= {"category", "multichoice", "ordering", "description"}
    items = sum(len(b.all_items()) for b in shipped.banks.values())
    assert sum(k in ("multichoice", "ordering") for k in kinds) == items


def test_reading_the_export_back_gives_the_same_items(shipped):
    conversion = moodle_xml.convert(export(shipped).encode("utf-8"), "export.xml")
    originals = {i.key: i for b in shipped.banks.values() for i in b.all_items()}
    ids = item_ids(conversion, BankOptions(bank="x", title="x"))
    assert sorted(ids) == sorted(originals)  # the ids come back from <idnumber>
    for key, question in zip(ids, conversion.questions, strict=True):
        item = originals[key]
        assert question.type == item.type, key
        assert shown(question.stem) == shown(item.stem), key
        assert [shown(o.text) for o in question.options] == [shown(o.text) for o in item.options], key
        assert [shown(o.feedback) for o in question.options] == [shown(o.feedback) for o in item.options], key
        if item.type != "ordering":
            assert [o.correct for o in question.options] == [o.correct for o in item.options], key
        assert shown(question.rationale).startswith(shown(item.rationale)[:-len("</p>")]), key
        if item.type == "multiple" and item.scoring == "partial":
            assert not [n for n in question.notes if "penalt" in n or "weights" in n], (key, question.notes)
    # the only questions not read back are the scenarios, exported as descriptions
    scenarios = sum(len(b.scenarios) for b in shipped.banks.values())
    assert [s.reason for s in conversion.skipped] == ["a description, not a question"] * scenarios


def test_three_of_eight_is_multichoice_with_fractions_that_sum_to_100(shipped):
    root = strict(export(shipped))
    multiple = [q for q in root.findall("question") if q.get("type") == "multichoice"
                and q.findtext("single") == "false"]
    assert multiple
    for question in multiple:
        fractions = [float(a.get("fraction")) for a in question.findall("answer")]
        assert abs(sum(f for f in fractions if f > 0) - 100) < 0.001
        correct = [f for f in fractions if f > 0]
        assert all(f == pytest.approx(-100 / len(correct), abs=0.001) for f in fractions if f <= 0)


def test_single_choice_and_ordering(shipped):
    root = strict(export(shipped))
    single = [q for q in root.findall("question") if q.findtext("single") == "true"]
    for question in single:
        assert sorted(float(a.get("fraction")) for a in question.findall("answer"))[-2:] == [0, 100]
    ordering = [q for q in root.findall("question") if q.get("type") == "ordering"]
    assert ordering
    for question in ordering:
        assert [a.get("fraction") for a in question.findall("answer")] == [
            str(n) for n in range(1, len(question.findall("answer")) + 1)]
        assert question.findtext("gradingtype") in ("ALL_OR_NOTHING", "RELATIVE_ALL_PREVIOUS_AND_NEXT")


def test_markdown_becomes_html_and_rationales_general_feedback():
    bank_set = load_bank_set([FIXTURES])
    root = strict(moodle_export.to_moodle_xml(list(bank_set.banks.values()), title="Fixture",
                                              frameworks=bank_set.frameworks))
    questions = {q.findtext("idnumber"): q for q in root.findall("question") if q.findtext("idnumber")}
    item = next(i for b in bank_set.banks.values() for i in b.all_items())
    question = questions[item.key]
    assert question.find("questiontext").get("format") == "html"
    assert question.find("questiontext").findtext("text").startswith("<p>")
    assert item.rationale.split()[0] in question.find("generalfeedback").findtext("text")


def test_categories_per_bank_and_statement_and_scenarios_as_descriptions(shipped):
    root = strict(export(shipped, keys={"practitioner-scenarios"}))
    categories = [q.find("category").findtext("text") for q in root.findall("question") if q.get("type") == "category"]
    assert all(c.startswith("$course$/top/Shipped banks/") for c in categories)
    bank = shipped.banks["practitioner-scenarios"]
    scenario = bank.scenarios[0]
    descriptions = [q for q in root.findall("question") if q.get("type") == "description"]
    assert len(descriptions) == len(bank.scenarios)
    assert scenario.title in descriptions[0].find("name").findtext("text")
    # the scenario's questions follow its description, in its own category
    assert any(scenario.title in c for c in categories)


def test_markdown_in_text_is_escaped_and_comments_stay_comments():
    from quizapp.banks import model as bm

    item = bm.Item(key="odd-1", type="single", section="knowledge", statements=("A",),
                   stem="Is 3 < 4 & does `--` end a comment? **Yes**", rationale="Because -- it is.",
                   options=(bm.Option("Yes <b>", True, "Right & proper"), bm.Option("No")), framework="fx")
    bank = bm.Bank(key="odd", framework="fx", title="Odd -- bank", items=[item], scenarios=[])
    xml = moodle_export.to_moodle_xml([bank], title="Odd -- title", notes=["a -- note"])
    root = strict(xml)
    question = next(q for q in root.findall("question") if q.get("type") == "multichoice")
    assert "<strong>Yes</strong>" in question.find("questiontext").findtext("text")
    assert "&lt;b&gt;" in question.find("answer").findtext("text")
    back = moodle_xml.convert(xml.encode(), "odd.xml").questions[0]
    assert shown(back.stem) == shown(item.stem) and shown(back.options[0].text) == shown("Yes <b>")
