"""Reading Moodle's question bank export ("Moodle XML format") into our question types.

Converted: multichoice (one answer: `single`; several: `multiple` with partial scoring),
truefalse (a `single` item with the options True and False) and ordering (the qtype_ordering
plugin: answers sorted by their position). Per-answer feedback becomes option feedback, the
general feedback becomes the rationale, and the categories become comments. Everything else
(short answer, numerical, matching, essay, cloze, calculated, drag and drop, descriptions...)
is reported as not converted, as is any question that would break our format's rules.

The XML is parsed with defusedxml when it is installed; otherwise with the standard library's
parser set to refuse any document type declaration, so no entity (internal or external) can be
declared, let alone expanded.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from xml.parsers import expat
from typing import Any

from .markdown import html_to_markdown, markdown_to_subset, plain_to_markdown
from .model import Conversion, Option, Question, Skipped, check_question

MAX_BYTES = 20 * 1024 * 1024

TYPE_NAMES = {
    "shortanswer": "short answer", "numerical": "numerical", "essay": "essay", "matching": "matching",
    "multianswer": "embedded answers (cloze)", "cloze": "embedded answers (cloze)", "calculated": "calculated",
    "calculatedsimple": "calculated", "calculatedmulti": "calculated multichoice", "description": "description",
    "ddwtos": "drag and drop into text", "ddimageortext": "drag and drop onto image", "ddmarker": "drag and drop markers",
    "gapselect": "select missing words", "randomsamatch": "random short-answer matching",
}


class ConvertError(ValueError):
    """The file cannot be read at all (not XML, refused, too large, not a Moodle export)."""


try:
    from defusedxml import ElementTree as _defused
except ImportError:  # pragma: no cover - defusedxml is a dependency; this is the fallback
    _defused = None


def parse_xml(data: bytes) -> ET.Element:
    """Parse untrusted XML with no DTD allowed (so no entity tricks: billion laughs, external files)."""
    if len(data) > MAX_BYTES:
        raise ConvertError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        if _defused is not None:
            return _defused.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return _fromstring_without_dtd(data)
    except ET.ParseError as error:
        raise ConvertError(f"not well-formed XML: {error}") from None
    except ValueError as error:  # defusedxml's DTDForbidden and friends are ValueErrors
        raise ConvertError(f"refused: {error.__class__.__name__}: the file declares a document type or entities") from None


def _fromstring_without_dtd(data: bytes) -> ET.Element:
    """The standard library's expat, refusing any document type declaration (the fallback when
    defusedxml is not installed)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()

    def refuse(*_args: Any) -> None:
        raise ValueError("document type declarations are not allowed")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ET.ParseError(str(error)) from None
    return builder.close()


def _text(element: ET.Element | None) -> str:
    """The <text> child of an element (Moodle wraps every text that way), or the element's own text."""
    if element is None:
        return ""
    child = element.find("text")
    value = child.text if child is not None else element.text
    return value or ""


def _rich(element: ET.Element | None, notes: list[str], what: str) -> str:
    """A Moodle text field (with its `format`) as our Markdown subset; losses go into notes."""
    if element is None:
        return ""
    raw = _text(element)
    fmt = (element.get("format") or "html").lower()
    if "@@PLUGINFILE@@" in raw or element.find("file") is not None:
        notes.append(f"{what}: an embedded file (image or attachment) was dropped")
    if fmt in ("plain_text", "plain"):
        return plain_to_markdown(raw)
    if fmt == "markdown":
        text, losses = markdown_to_subset(raw)
        notes.extend(f"{what}: {loss}" for loss in losses)
        return text
    if fmt == "moodle_auto_format":
        raw = raw.replace("\r\n", "\n").replace("\n", "<br>")
    text, losses = html_to_markdown(raw)
    notes.extend(f"{what}: {loss}" for loss in losses)
    return text


def _fraction(value: str | None) -> float:
    try:
        number = float(value or 0)
    except ValueError:
        return 0.0
    return number if math.isfinite(number) else 0.0


def _weights(values: list[float]) -> str:
    return "/".join(f"{v:g}" for v in values)


def convert(data: bytes, source: str = "questions.xml") -> Conversion:
    """Every question of a Moodle XML export, converted or reported."""
    root = parse_xml(data)
    if root.tag != "quiz":
        raise ConvertError(f"not a Moodle XML question export: the root element is <{root.tag}>, not <quiz>")
    conversion = Conversion(source=source, kind="Moodle XML")
    category = ""
    number = 0
    for element in root.findall("question"):
        qtype = (element.get("type") or "").strip().lower()
        if qtype == "category":
            category = _text(element.find("category")).strip()
            if category and category not in conversion.categories:
                conversion.categories.append(category)
            continue
        number += 1
        name = " ".join(_text(element.find("name")).split())
        where = f"question {number}"
        if qtype == "multichoice":
            result = _multichoice(element)
        elif qtype == "truefalse":
            result = _truefalse(element)
        elif qtype == "ordering":
            result = _ordering(element)
        else:
            label = TYPE_NAMES.get(qtype, f"type '{qtype}'")
            result = ("a description, not a question" if qtype == "description"
                      else f"{label} questions have no equivalent in quizapp")
        if isinstance(result, str):
            conversion.skipped.append(Skipped(where, name, result))
            continue
        result.name, result.where, result.category = name, where, category
        result.idnumber = " ".join(_text(element.find("idnumber")).split())
        problem = check_question(result)
        if problem:
            conversion.skipped.append(Skipped(where, name, problem))
            continue
        _common_notes(element, result)
        conversion.questions.append(result)
    return conversion


def _stem_and_rationale(element: ET.Element, notes: list[str]) -> tuple[str, str]:
    stem = _rich(element.find("questiontext"), notes, "question text")
    rationale = _rich(element.find("generalfeedback"), notes, "general feedback")
    if not rationale:
        notes.append("no general feedback: the rationale is a TODO for you to write")
    return stem, rationale


def _answers(element: ET.Element, notes: list[str]) -> list[tuple[float, str, str]]:
    out = []
    for n, answer in enumerate(element.findall("answer"), start=1):
        text = _rich(answer, notes, f"answer {n}")
        feedback = _rich(answer.find("feedback"), notes, f"feedback on answer {n}")
        out.append((_fraction(answer.get("fraction")), text, feedback))
    return out


def _multichoice(element: ET.Element) -> Question | str:
    notes: list[str] = []
    stem, rationale = _stem_and_rationale(element, notes)
    answers = _answers(element, notes)
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    positive = [f for f, _t, _fb in answers if f > 0]
    if not positive:
        return "no answer has a positive grade, so there is no correct answer"
    if single:
        best = max(positive)
        full = [f for f in positive if f == best]
        if len(full) > 1:
            return f"{len(full)} answers are fully correct; a single-choice item has exactly one"
        partial = sorted((f for f in positive if f != best), reverse=True)
        if partial:
            notes.append(f"partial credit ({_weights(partial)}%) for other answers was dropped: only the best answer "
                         f"({best:g}%) is marked correct")
        if best < 100:
            notes.append(f"the best answer was worth {best:g}% in Moodle; here it scores in full")
        options = [Option(text, f == best, fb) for f, text, fb in answers]
        return Question("", "single", stem, options, rationale, notes=notes)
    options = [Option(text, f > 0, fb) for f, text, fb in answers]
    if len(positive) == 1:
        notes.append("a multiple-answer question with one correct answer: converted as single choice")
        return Question("", "single", stem, options, rationale, notes=notes)
    if len(set(round(f, 3) for f in positive)) > 1:
        notes.append(f"correct answers had different weights ({_weights(positive)}%); here they count equally")
    penalty = 100 / len(positive)
    if any(abs(f + penalty) > 0.5 for f, _t, _fb in answers if f <= 0):
        notes.append("incorrect answers had penalties unlike ours: quizapp's partial rule takes one correct "
                     "choice off for each incorrect one")
    notes.append(f"candidates will be asked to select exactly {len(positive)} answers, scored with the partial rule")
    return Question("", "multiple", stem, options, rationale, scoring="partial", notes=notes)


def _truefalse(element: ET.Element) -> Question | str:
    notes: list[str] = []
    stem, rationale = _stem_and_rationale(element, notes)
    options = []
    for fraction, text, feedback in _answers(element, notes):
        label = {"true": "True", "false": "False"}.get(text.strip().lower(), text)
        options.append(Option(label, fraction > 0, feedback))
    if sum(o.correct for o in options) != 1:
        return "a true/false question needs exactly one correct answer"
    return Question("", "single", stem, options, rationale, notes=notes)


def _ordering(element: ET.Element) -> Question | str:
    notes: list[str] = []
    stem, rationale = _stem_and_rationale(element, notes)
    answers = _answers(element, notes)
    positions = [f for f, _t, _fb in answers]
    if len(set(positions)) == len(positions):
        answers = sorted(answers, key=lambda a: a[0])
    else:
        notes.append("the answers' positions were unclear: the order in the file was used")
    grading = (element.findtext("gradingtype") or "ALL_OR_NOTHING").strip().upper()
    scoring = "all-or-nothing"
    if grading not in ("ALL_OR_NOTHING", "0", "-1"):
        scoring = "partial"
        notes.append(f"Moodle graded it {grading}: quizapp's partial rule (pairs in the right order) is used")
    select = (element.findtext("selecttype") or "ALL").strip().upper()
    if select not in ("ALL", "0"):
        notes.append("Moodle showed a subset of the items; quizapp shows them all")
    options = [Option(text, False, feedback) for _f, text, feedback in answers]
    return Question("", "ordering", stem, options, rationale, scoring=scoring, notes=notes)


def _common_notes(element: ET.Element, question: Question) -> None:
    if element.findall("hint"):
        question.notes.append("hints were dropped (quizapp has none)")
    combined = [tag for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
                if _text(element.find(tag)).strip()]
    if combined:
        question.notes.append("combined feedback (" + ", ".join(combined) + ") was dropped: the option feedback "
                              "and rationale stand instead")
    if (element.findtext("shuffleanswers") or "1").strip().lower() in ("0", "false") and question.type != "ordering":
        question.notes.append("Moodle did not shuffle this question's answers; quizapp shuffles them unless the test "
                              "sets shuffle_options: false (check for 'all of the above')")
