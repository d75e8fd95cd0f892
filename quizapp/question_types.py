"""The registry of question types: the one place that knows each type's rules.

Each type is a small class with a ``name`` (the value of an item's ``type:``) and
``validate(item)``, which checks the rules that depend on the type and returns a list of
``(message, where)``. ``where`` is a path into the item mapping, e.g. ``("options",)`` or
``("options", 2, "correct")``, which the bank validator turns into a file line and column.
``validate`` accepts the item either as the mapping read from YAML or as a
:class:`quizapp.banks.model.Item`.

Marking (``mark()``) and rendering will be added to these classes; keep each type's
knowledge here rather than in ``if type == ...`` branches elsewhere.

Type rules (from the bank format contract):

- ``single``: 2 to 10 options, exactly one marked ``correct: true``; ``scoring: partial``
  is not allowed.
- ``multiple``: 3 to 10 options, at least two correct and at least one incorrect.
- ``ordering``: 3 to 10 options listed in the correct order; ``correct`` may not appear on
  any option.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

Where = tuple[str | int, ...]
Finding = tuple[str, Where]

MAX_OPTIONS = 10


def _options(item: Any) -> list[Any]:
    """The item's options as a list (empty when missing or not a list)."""
    options = item.get("options") if isinstance(item, Mapping) else getattr(item, "options", ())
    return list(options) if isinstance(options, (list, tuple)) else []


def _scoring(item: Any) -> Any:
    return item.get("scoring") if isinstance(item, Mapping) else getattr(item, "scoring", None)


def _is_correct(option: Any) -> bool:
    """True only for an option explicitly marked ``correct: true``."""
    if isinstance(option, Mapping):
        return option.get("correct") is True
    return getattr(option, "correct", False) is True


def _uses_correct(option: Any) -> bool:
    """Whether the option says anything about being correct."""
    if isinstance(option, Mapping):
        return "correct" in option
    return getattr(option, "correct", False) is True


class QuestionType:
    """Base of the question types: the shared option-count rule."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # how messages name the type
    min_options: ClassVar[int] = 2
    max_options: ClassVar[int] = MAX_OPTIONS

    def validate(self, item: Any) -> list[Finding]:
        """Every breach of this type's rules in ``item``."""
        options = _options(item)
        findings: list[Finding] = []
        if not self.min_options <= len(options) <= self.max_options:
            findings.append(
                (f"a {self.label} item needs {self.min_options} to {self.max_options} options, "
                 f"not {len(options)}", ("options",))
            )
        findings.extend(self.validate_answers(item, options))
        return findings

    def validate_answers(self, item: Any, options: list[Any]) -> list[Finding]:
        """The type's own rules about correct answers and scoring."""
        return []

    def __repr__(self) -> str:
        return f"<question type {self.name}>"


class SingleChoice(QuestionType):
    """One correct answer among 2 to 10 options; no partial credit."""

    name = "single"
    label = "single-choice"

    def validate_answers(self, item: Any, options: list[Any]) -> list[Finding]:
        findings: list[Finding] = []
        correct = sum(map(_is_correct, options))
        if options and correct != 1:
            findings.append(
                (f"a {self.label} item needs exactly one option with 'correct: true', not {correct}",
                 ("options",))
            )
        if _scoring(item) == "partial":
            findings.append(
                (f"'scoring: partial' is not allowed for a {self.label} item", ("scoring",))
            )
        return findings


class MultipleChoice(QuestionType):
    """Two or more correct answers and at least one incorrect, among 3 to 10 options."""

    name = "multiple"
    label = "multiple-choice"
    min_options = 3

    def validate_answers(self, item: Any, options: list[Any]) -> list[Finding]:
        if not options:
            return []
        correct = sum(map(_is_correct, options))
        findings: list[Finding] = []
        if correct < 2:
            findings.append(
                (f"a {self.label} item needs at least two options with 'correct: true', "
                 f"not {correct}", ("options",))
            )
        if correct == len(options):
            findings.append(
                (f"a {self.label} item needs at least one incorrect option", ("options",))
            )
        return findings


class Ordering(QuestionType):
    """3 to 10 options, written in the correct order; ``correct`` is meaningless here."""

    name = "ordering"
    label = "ordering"
    min_options = 3

    def validate_answers(self, item: Any, options: list[Any]) -> list[Finding]:
        return [
            (f"'correct' is not used on an {self.label} item: list the options in the "
             "correct order", ("options", index, "correct"))
            for index, option in enumerate(options)
            if _uses_correct(option)
        ]


REGISTRY: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (SingleChoice(), MultipleChoice(), Ordering())
}
"""Every question type, by the name used in bank files."""


def get(name: str) -> QuestionType | None:
    """The question type called ``name``, or ``None``."""
    return REGISTRY.get(name)


def names() -> list[str]:
    """The type names, in registry order."""
    return list(REGISTRY)
