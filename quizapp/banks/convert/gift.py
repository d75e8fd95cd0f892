"""Reading Moodle's GIFT text format into our question types.

Converted: multiple choice with one right answer (`=`) as `single`; multiple choice where only
weighted answers are right (`~%50%...`) as `multiple` with partial scoring; true/false (`{T}`,
`{FALSE}`...) as a `single` item with the options True and False. Per-answer feedback (`#...`)
becomes option feedback, general feedback (`####...`) the rationale, `$CATEGORY:` lines comments.
Short answer, numerical (`{#...}`), matching (`->`), essay (`{}`) and descriptions (no braces)
are reported as not converted.

GIFT's escapes (`\\~ \\= \\# \\{ \\} \\: \\\\` and `\\n` for a line break) are honoured. Text is in
Moodle's auto-format unless marked `[html]`, `[plain]` or `[markdown]`: auto-format and HTML go
through the HTML converter (auto-format line breaks are kept), plain text is escaped.
"""

from __future__ import annotations

import re

from .markdown import html_to_markdown, markdown_to_subset, plain_to_markdown
from .model import Conversion, Option, Question, Skipped, check_question

MAX_BYTES = 20 * 1024 * 1024

# Escaped characters are swapped for private-use characters while the structure is parsed.
ESCAPES = {"~": "\ue000", "=": "\ue001", "#": "\ue002", "{": "\ue003", "}": "\ue004", ":": "\ue005", "\\": "\ue006"}
RESTORE = {v: k for k, v in ESCAPES.items()}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = re.compile(r"^(T|TRUE|F|FALSE)$", re.IGNORECASE)


class ConvertError(ValueError):
    """The file cannot be read at all."""


def _protect(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in ESCAPES:
                out.append(ESCAPES[nxt])
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return "".join(RESTORE.get(c, c) for c in text)


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question or category block: blank lines separate them,
    and comment lines (starting with //) are dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _to_markdown(raw: str, fmt: str, notes: list[str], what: str) -> str:
    raw = _restore(raw).strip()
    if fmt == "plain":
        return plain_to_markdown(raw)
    if fmt == "markdown":
        text, losses = markdown_to_subset(raw)
        notes.extend(f"{what}: {loss}" for loss in losses)
        return text
    if fmt == "moodle":
        raw = raw.replace("\n", "<br>")
    text, losses = html_to_markdown(raw)
    notes.extend(f"{what}: {loss}" for loss in losses)
    return text


def convert(data: bytes, source: str = "questions.gift") -> Conversion:
    if len(data) > MAX_BYTES:
        raise ConvertError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConvertError(f"not UTF-8 text: {error}") from None
    text = _protect(text.replace("\r\n", "\n").replace("\r", "\n"))
    conversion = Conversion(source=source, kind="GIFT")
    category = ""
    number = 0
    for line, block in _blocks(text):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            category = _restore(stripped[len("$CATEGORY:"):]).strip()
            if category and category not in conversion.categories:
                conversion.categories.append(category)
            continue
        number += 1
        where = f"question {number} (line {line})"
        name, result = _question(stripped)
        if isinstance(result, str):
            conversion.skipped.append(Skipped(where, name, result))
            continue
        result.name, result.where, result.category = name, where, category
        problem = check_question(result)
        if problem:
            conversion.skipped.append(Skipped(where, name, problem))
            continue
        conversion.questions.append(result)
    return conversion


def _question(block: str) -> tuple[str, Question | str]:
    name = ""
    if block.startswith("::"):
        end = block.find("::", 2)
        if end < 0:
            return "", "the title has no closing '::'"
        name = " ".join(_restore(block[2:end]).split())
        block = block[end + 2:]
    opening = block.find("{")
    if opening < 0:
        return name, "a description (no answers), not a question"
    closing = block.find("}", opening)
    if closing < 0:
        return name, "the answers have no closing '}'"
    before, answers, after = block[:opening], block[opening + 1:closing], block[closing + 1:]
    if "{" in after:
        return name, "more than one set of answers (several blanks) is not supported"
    fmt = "moodle"
    match = _FORMAT.match(before)
    if match:
        fmt = match.group(1).lower()
        before = before[match.end():]
    notes: list[str] = []
    stem_raw = before.rstrip()
    if after.strip():
        stem_raw = f"{before.rstrip()} _____ {after.strip()}"
        notes.append("a missing-word question: the blank is shown as _____ in the question text")
    stem = _to_markdown(stem_raw, fmt, notes, "question text")
    body, general = answers, ""
    marker = body.find("####")
    if marker >= 0:
        body, general = body[:marker], body[marker + 4:]
    rationale = _to_markdown(general, fmt, notes, "general feedback") if general.strip() else ""
    if not rationale:
        notes.append("no general feedback: the rationale is a TODO for you to write")
    content = body.strip()
    if not content:
        return name, "an essay question (no answers) has no equivalent in quizapp"
    if content.startswith("#"):
        return name, "numerical questions have no equivalent in quizapp"
    head, *feedback = content.split("#")
    if _TRUE_FALSE.match(head.strip()):
        return name, _true_false(head.strip(), feedback, stem, rationale, fmt, notes)
    return name, _choices(content, stem, rationale, fmt, notes)


def _true_false(head: str, feedback: list[str], stem: str, rationale: str, fmt: str, notes: list[str]) -> Question:
    truth = head.upper() in ("T", "TRUE")
    # GIFT gives the feedback for a wrong answer first, then for a right one.
    wrong = _to_markdown(feedback[0], fmt, notes, "feedback") if len(feedback) > 0 else ""
    right = _to_markdown(feedback[1], fmt, notes, "feedback") if len(feedback) > 1 else ""
    options = [Option("True", truth, right if truth else wrong), Option("False", not truth, wrong if truth else right)]
    return Question("", "single", stem, options, rationale, notes=notes)


def _choices(content: str, stem: str, rationale: str, fmt: str, notes: list[str]) -> Question | str:
    parts = re.split(r"([=~])", content)
    if parts[0].strip():
        return "answers must each start with = or ~"
    answers: list[tuple[str, float | None, str, str]] = []  # (sign, weight, text, feedback)
    for sign, raw in zip(parts[1::2], parts[2::2], strict=True):
        weight = None
        match = _WEIGHT.match(raw.strip())
        if match:
            weight = float(match.group(1))
            raw = raw.strip()[match.end():]
        if "->" in raw:
            return "matching questions have no equivalent in quizapp"
        text, _hash, feedback = raw.partition("#")
        answers.append((sign, weight, _to_markdown(text, fmt, notes, "an answer"),
                        _to_markdown(feedback, fmt, notes, "feedback") if feedback.strip() else ""))
    if not any(sign == "~" for sign, *_rest in answers):
        return "a short-answer question (every answer is right) has no equivalent in quizapp"
    full = [a for a in answers if a[0] == "=" and (a[1] is None or a[1] >= 100)]
    weighted = [a for a in answers if a[1] is not None and a[1] > 0 and not any(a is f for f in full)]
    if full:
        if len(full) > 1:
            return f"{len(full)} answers are fully correct; a single-choice item has exactly one"
        if weighted:
            shares = "/".join(f"{a[1]:g}" for a in weighted)
            notes.append(f"partial credit ({shares}%) for other answers was dropped: only the '=' answer is correct")
        options = [Option(a[2], a is full[0], a[3]) for a in answers]
        return Question("", "single", stem, options, rationale, notes=notes)
    if not weighted:
        return "no answer is marked right (= or a positive %weight%)"
    right = {id(a) for a in weighted}
    options = [Option(a[2], id(a) in right, a[3]) for a in answers]
    if len(weighted) == 1:
        notes.append("one weighted answer: converted as single choice")
        return Question("", "single", stem, options, rationale, notes=notes)
    weights = [a[1] for a in weighted]
    if len({round(w, 3) for w in weights if w is not None}) > 1:
        shares = "/".join(f"{w:g}" for w in weights if w is not None)
        notes.append(f"correct answers had different weights ({shares}%); here they count equally")
    penalty = 100 / len(weighted)
    if any(abs((a[1] or 0.0) + penalty) > 0.5 for a in answers if id(a) not in right):
        notes.append("incorrect answers had penalties unlike ours: quizapp's partial rule takes one correct "
                     "choice off for each incorrect one")
    notes.append(f"candidates will be asked to select exactly {len(weighted)} answers, scored with the partial rule")
    return Question("", "multiple", stem, options, rationale, scoring="partial", notes=notes)
