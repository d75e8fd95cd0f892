"""Writing banks as Moodle XML (Moodle's question bank import format), the reverse of moodle_xml.py.

Pure: it takes the bank dataclasses (quizapp.banks.model) and returns the file's text.
- single (1 of 4): `multichoice` with `single` true, the correct answer 100 and the others 0.
- multiple (3 of 8): `multichoice` with `single` false; each correct answer is worth 100/k and
  each incorrect one -100/k (k correct answers). Moodle adds the fractions of the answers ticked
  and keeps the total between 0 and 100%, which is our partial rule exactly. An all-or-nothing
  item cannot be written that way: it gets the same fractions and a note in the file.
- ordering: the `ordering` question type (Moodle's ordering plugin, qtype_ordering), the
  answers in the correct order numbered 1, 2, 3 ..., graded ALL_OR_NOTHING, or
  RELATIVE_ALL_PREVIOUS_AND_NEXT for our partial rule (pairs in the right order).
- A case scenario becomes a `description` question in a category of its own, followed by its
  questions (put them on one quiz page after the description).
- Text is our Markdown subset rendered to HTML (quizapp.domain.markup, as candidates see it);
  the rationale is the general feedback (with the references after it), option feedback stays
  on its option, the statement codes and section become tags, and the item id is the
  question's `idnumber` (our importer reads it back as the id).
- Categories: the export's title, then the bank, then the statement each standalone item is
  keyed to first (or the scenario).
Every element is written with ElementTree, so all text is escaped; comments never hold "--".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from quizapp.banks import model as bm
from quizapp.domain.markup import render

PARTIAL_GRADING = "RELATIVE_ALL_PREVIOUS_AND_NEXT"


def _fraction(value: float) -> str:
    """A fraction as Moodle writes it (at most 7 decimals, no trailing zeros)."""
    text = f"{value:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _comment_text(text: str) -> str:
    cleaned = " ".join(text.split())
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "- -")
    return f" {cleaned.rstrip('-')} "


def _category_part(name: str) -> str:
    """A category name as one part of a Moodle category path ('/' is written '//')."""
    return " ".join(name.split()).replace("/", "//")


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag)
    if fmt is not None:
        element.set("format", fmt)
    ET.SubElement(element, "text").text = value
    return element


def _html(markdown: str) -> str:
    return render(markdown).strip() if markdown.strip() else ""


def _simple(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _category(quiz: ET.Element, path: list[str], info: str = "") -> None:
    question = ET.SubElement(quiz, "question", type="category")
    _text(question, "category", "$course$/top/" + "/".join(_category_part(p) for p in path), fmt=None)
    _text(question, "info", info)


def _general_feedback(item: bm.Item) -> str:
    html = _html(item.rationale)
    if item.references:
        listed = "".join(f"<li>{_html_inline(r)}</li>" for r in item.references)
        html += f"\n<p>References:</p>\n<ul>{listed}</ul>"
    return html


def _html_inline(markdown: str) -> str:
    html = _html(markdown)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _item(quiz: ET.Element, item: bm.Item) -> None:
    qtype = "ordering" if item.type == "ordering" else "multichoice"
    if item.type == "multiple" and item.scoring != "partial":
        quiz.append(ET.Comment(_comment_text(
            f"{item.key} is scored all or nothing in quizapp; Moodle's multichoice gives partial credit "
            "(each correct answer adds, each incorrect one takes away)")))
    question = ET.SubElement(quiz, "question", type=qtype)
    _text(question, "name", item.key, fmt=None)
    _text(question, "questiontext", _html(item.stem))
    _text(question, "generalfeedback", _general_feedback(item))
    _simple(question, "defaultgrade", "1")
    _simple(question, "penalty", "0")
    _simple(question, "hidden", "0")
    _simple(question, "idnumber", item.key)
    if item.type == "ordering":
        _simple(question, "layouttype", "VERTICAL")
        _simple(question, "selecttype", "ALL")
        _simple(question, "selectcount", "0")
        _simple(question, "gradingtype", PARTIAL_GRADING if item.scoring == "partial" else "ALL_OR_NOTHING")
        _simple(question, "showgrading", "SHOW")
        _simple(question, "numberingstyle", "none")
        fractions = [str(n) for n in range(1, len(item.options) + 1)]
    else:
        _simple(question, "single", "true" if item.type == "single" else "false")
        _simple(question, "shuffleanswers", "true")
        _simple(question, "answernumbering", "abc")
        _simple(question, "showstandardinstruction", "1")
        correct = sum(o.correct for o in item.options) or 1
        if item.type == "single":
            fractions = ["100" if o.correct else "0" for o in item.options]
        else:
            fractions = [_fraction(100 / correct if o.correct else -100 / correct) for o in item.options]
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(question, tag, "")
    for option, fraction in zip(item.options, fractions, strict=True):
        answer = ET.SubElement(question, "answer", fraction=fraction, format="html")
        ET.SubElement(answer, "text").text = _html(option.text)
        _text(answer, "feedback", _html(option.feedback))
    tags = ET.SubElement(question, "tags")
    for value in (*item.statements, item.section):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = value


def _scenario(quiz: ET.Element, scenario: bm.Scenario) -> None:
    question = ET.SubElement(quiz, "question", type="description")
    _text(question, "name", f"Case scenario: {scenario.title}", fmt=None)
    _text(question, "questiontext", f"<h3>{_html_inline(scenario.title)}</h3>\n{_html(scenario.text)}")
    _text(question, "generalfeedback", "")
    _simple(question, "defaultgrade", "0")
    _simple(question, "penalty", "0")
    _simple(question, "hidden", "0")
    _simple(question, "idnumber", scenario.key)


def _statement_name(framework: bm.Framework | None, code: str) -> str:
    statement = framework.statement(code) if framework is not None else None
    return f"{code} {statement.title}" if statement is not None else code


def to_moodle_xml(banks: Sequence[bm.Bank], *, title: str, frameworks: Mapping[str, bm.Framework] | None = None,
                  notes: Sequence[str] = ()) -> str:
    """The banks as one Moodle XML file, under the top category `title`. `frameworks` names the
    statements' categories; `notes` go in a comment at the top of the file."""
    frameworks = frameworks or {}
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(_comment_text(
        f"Exported by quizapp: {title}. Import it in Moodle's question bank as Moodle XML. Items are multichoice "
        "(one answer, or several with partial credit) and ordering questions; each case scenario is a "
        "description followed by its questions in its own category; the rationale is the general feedback.")))
    for note in notes:
        quiz.append(ET.Comment(_comment_text(note)))
    for bank in banks:
        framework = frameworks.get(bank.framework)
        _category(quiz, [title, bank.title], _html(bank.description))
        by_statement: dict[str, list[bm.Item]] = {}
        for item in bank.items:
            by_statement.setdefault(item.statements[0] if item.statements else "", []).append(item)
        for code, items in by_statement.items():
            _category(quiz, [title, bank.title, _statement_name(framework, code) if code else "No statement"])
            for item in items:
                _item(quiz, item)
        for scenario in bank.scenarios:
            _category(quiz, [title, bank.title, f"Case scenario: {scenario.title}"])
            _scenario(quiz, scenario)
            for item in scenario.items:
                _item(quiz, item)
    ET.indent(quiz, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
