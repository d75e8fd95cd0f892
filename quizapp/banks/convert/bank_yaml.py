"""Writing converted questions as a bank file in our format (docs/bank-format.md).

The output is meant to be read and edited by a trainer, so it is written by hand rather than
dumped: comments say where each item came from and what to check, long text goes in `|`
blocks, and short text is left unquoted when YAML reads it back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from quizapp.banks.bank_format import ID_RE

from .model import Conversion, Question

PLACEHOLDER = "CHANGE-ME"
TODO_RATIONALE = "TODO: the source had no general feedback. Write why the correct answer is right."
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SPECIAL_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


@dataclass(frozen=True)
class BankOptions:
    bank: str
    title: str
    framework: str | None = None
    statement: str | None = None
    section: str = "knowledge"
    id_prefix: str | None = None


def slug(text: str, fallback: str = "converted") -> str:
    """An id from a file name: letters, digits, '.', '_' and '-', starting with a letter or digit."""
    value = _ID_UNSAFE.sub("-", text.strip()).strip("-._").lower()
    return (value or fallback)[:60]


def item_ids(conversion: Conversion, options: BankOptions) -> list[str]:
    """Each question's id: its Moodle ID number when that is a valid id used once in the file
    (as in quizapp's own Moodle XML exports), else the prefix and a number."""
    prefix = options.id_prefix or options.bank
    width = max(3, len(str(len(conversion.questions))))
    numbers = [q.idnumber for q in conversion.questions]
    ids = [q.idnumber if q.idnumber and ID_RE.fullmatch(q.idnumber) and numbers.count(q.idnumber) == 1 else ""
           for q in conversion.questions]
    taken = set(ids)
    for n in range(len(ids)):
        if not ids[n]:
            candidate = f"{prefix}-{n + 1:0{width}d}"
            while candidate in taken:
                candidate += "x"
            ids[n] = candidate
            taken.add(candidate)
    return ids


def scalar(text: str) -> str:
    """A single-line YAML scalar: plain when YAML reads it back as the same string, else
    double-quoted (JSON-style escapes are valid YAML)."""
    if (
        text
        and text == text.strip()
        and "\n" not in text
        and text.lower() not in _SPECIAL_WORDS
        and not text.startswith(("`", "'", '"', "%", "@", "&", "*", "!", "|", ">", "{", "[", "#", "-", "?", ":", ","))
        and " #" not in text
        and ": " not in text
        and not text.endswith(":")
    ):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return _quoted(text)


def _quoted(text: str) -> str:
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def text_field(key: str, text: str, indent: int) -> list[str]:
    """`key: value` lines; multi-line text as a literal block."""
    pad = " " * indent
    lines = text.split("\n")
    if len(lines) > 1 and not lines[0].startswith((" ", "\t")) and all(
        line == line.rstrip() and "\t" not in line for line in lines
    ):
        return [f"{pad}{key}: |"] + [f"{pad}  {line}" if line else "" for line in lines]
    return [f"{pad}{key}: {scalar(text)}"]


def _comment(text: str) -> str:
    return " ".join(text.split())


def to_yaml(conversion: Conversion, options: BankOptions) -> str:
    """The bank file. Without a framework or statement, `CHANGE-ME` placeholders stand in (the
    validator then names each one); with them, the file validates as it is."""
    ids = item_ids(conversion, options)
    framework = options.framework or PLACEHOLDER
    statement = options.statement or PLACEHOLDER
    out = [
        f"# Converted from {conversion.kind} ({_comment(conversion.source)}) by `quizapp convert`.",
        "# Check every item before importing it: see the notes above items, and the report the command printed.",
    ]
    if not options.framework or not options.statement:
        out.append(f"# Replace each {PLACEHOLDER} with the framework id and the statement codes each item is keyed to.")
    if conversion.categories:
        out.append("# Moodle categories in this file:")
        out.extend(f"#   {_comment(c)}" for c in conversion.categories)
    out += [
        f"bank: {scalar(options.bank)}",
        f"framework: {scalar(framework)}",
        f"title: {scalar(options.title)}",
    ]
    if not conversion.questions:
        out.append("items: []  # nothing could be converted: see the report")
        return "\n".join(out) + "\n"
    out.append("items:")
    category = None
    for key, question in zip(ids, conversion.questions, strict=True):
        out.append("")
        if question.category and question.category != category:
            out.append(f"  # Category: {_comment(question.category)}")
            category = question.category
        out.extend(_item(key, question, options.section, statement))
    return "\n".join(out) + "\n"


def _item(key: str, question: Question, section: str, statement: str) -> list[str]:
    out = [f"  # From {_comment(question.where)}" + (f": {_comment(question.name)}" if question.name else "")]
    out.extend(f"  # CHECK: {_comment(note)}" for note in question.notes)
    out += [
        f"  - id: {key}",
        f"    type: {question.type}",
        f"    section: {section}",
        f"    statements: [{scalar(statement)}]",
    ]
    out.extend(text_field("stem", question.stem, 4))
    out.append("    options:")
    for option in question.options:
        first = text_field("text", option.text, 0)
        out.append(f"      - {first[0]}")
        out.extend(f"        {line}" if line else "" for line in first[1:])
        if question.type != "ordering" and option.correct:
            out.append("        correct: true")
        if option.feedback:
            out.extend(text_field("feedback", option.feedback, 8))
    if question.scoring != "all-or-nothing":
        out.append(f"    scoring: {question.scoring}")
    out.extend(text_field("rationale", question.rationale or TODO_RATIONALE, 4))
    return out
