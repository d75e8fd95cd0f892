"""The registry of question types: the one place that knows each type's rules.

Each type is a small class with a ``name`` (the value of an item's ``type:``) and
``validate(item)``, which checks the rules that depend on the type and returns a list of
``(message, where)``. ``where`` is a path into the item mapping, e.g. ``("options",)`` or
``("options", 2, "correct")``, which the bank validator turns into a file line and column.
``validate`` accepts the item either as the mapping read from YAML or as a
:class:`quizapp.banks.model.Item`.

Each class also knows how a candidate answers it and how it is marked:

- ``input``: the form control the question page renders (radios, checkboxes, ordering);
- ``instruction(options)``: the hint shown with the question ("Select 3 answers.");
- ``read_form(form, option_order, options)``: the candidate's form (displayed positions) as a
  :class:`Choice` in authored option indices, whole or not (an incomplete choice is kept, but is
  never an answer), or a message when the form is not a choice among the options shown;
  ``parse_form`` is the same for callers that want only a whole answer;
- ``answer_problem(options, answer, complete)``: whether a stored-form choice is acceptable;
- ``incomplete(options, answer)``: a stored incomplete choice, with what it lacks;
- ``shown_choice(option_order, answer, complete)``: a stored choice in displayed positions;
- ``form_fields(answer, option_order, complete)``: a stored choice as the form fields that give it
  (for a page that must show a stored answer it did not send);
- ``correct_answer(options)`` and ``mark(options, scoring, answer)`` (the rules themselves are in
  :mod:`quizapp.domain.scoring`).

Keep each type's knowledge here rather than in ``if type == ...`` branches elsewhere.

Type rules (from the bank format contract):

- ``single``: 2 to 10 options, exactly one marked ``correct: true``; ``scoring: partial``
  is not allowed.
- ``multiple``: 3 to 10 options, at least two correct and at least one incorrect.
- ``ordering``: 3 to 10 options listed in the correct order; ``correct`` may not appear on
  any option.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from . import scoring

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


@dataclass(frozen=True)
class Choice:
    """What a candidate has chosen on a question, whole or not.

    ``answer``: when complete, the answer in authored option indices (what is stored and marked);
    when not, the type's partial form, kept only to show the choice again: the options ticked
    (single, multiple; sorted) or, for an ordering, each authored option's chosen position, 0
    for none. ``missing``: None for a whole answer, else what is still to do ("Select 3 answers.
    You selected 1."); ``progress``: how far the candidate got ("1 of 3 selected").
    """

    answer: list[int]  # empty: nothing chosen
    missing: str | None = None
    progress: str = ""

    @property
    def complete(self) -> bool:
        return self.missing is None

    @property
    def empty(self) -> bool:
        """Nothing chosen at all (every box unticked, no position chosen)."""
        return not self.answer


class QuestionType:
    """Base of the question types: the shared option-count rule."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # how messages name the type
    min_options: ClassVar[int] = 2
    max_options: ClassVar[int] = MAX_OPTIONS

    @property
    def a_label(self) -> str:
        """The label with its article: 'a single-choice', 'an ordering'."""
        return ("an " if self.label[:1] in "aeiou" else "a ") + self.label

    def validate(self, item: Any) -> list[Finding]:
        """Every breach of this type's rules in ``item``."""
        options = _options(item)
        findings: list[Finding] = []
        if not self.min_options <= len(options) <= self.max_options:
            findings.append(
                (f"{self.a_label} item needs {self.min_options} to {self.max_options} options, "
                 f"not {len(options)}", ("options",))
            )
        findings.extend(self.validate_answers(item, options))
        return findings

    def validate_answers(self, item: Any, options: list[Any]) -> list[Finding]:
        """The type's own rules about correct answers and scoring."""
        return []

    # -- answering and marking (options as stored: dicts with text, correct, feedback) ------------

    input: ClassVar[str] = "radios"
    # Whether a form with nothing chosen clears a kept choice. Radios cannot be unselected, so a
    # single-choice form without an answer says nothing (a page opened before the answer was saved).
    clearable: ClassVar[bool] = False

    def correct_answer(self, options: Sequence[Mapping[str, Any]]) -> list[int]:
        """The key, in authored option indices."""
        return [i for i, option in enumerate(options) if option.get("correct")]

    def instruction(self, options: Sequence[Mapping[str, Any]]) -> str:
        return "Select one answer."

    def parse_form(self, form: Any, option_order: Sequence[int],
                   options: Sequence[Mapping[str, Any]]) -> tuple[list[int] | None, str | None]:
        """(answer, None) for a whole answer; (None, None) when nothing was chosen;
        (None, message) when the choice is not (yet) an answer."""
        choice, problem = self.read_form(form, option_order, options)
        if choice is None:
            return None, problem
        if choice.empty:
            return None, None
        return (choice.answer, None) if choice.complete else (None, choice.missing)

    def read_form(self, form: Any, option_order: Sequence[int],
                  options: Sequence[Mapping[str, Any]]) -> tuple[Choice | None, str | None]:
        """(choice, None), whole or not, even empty (every box unticked: it clears a kept
        choice) when the type is `clearable`; (None, None) when nothing was chosen on a form
        that cannot unchoose; (None, message) when the form is not a choice among the options shown."""
        chosen, problem = _chosen(form, option_order)
        if problem:
            return None, problem
        if not chosen:
            return (self.incomplete(options, []) if self.clearable else None), None
        problem = self.answer_problem(options, chosen)
        if problem is None:
            return Choice(chosen), None
        if self.answer_problem(options, chosen, complete=False) is not None:
            return None, problem
        return self.incomplete(options, chosen), None

    def incomplete(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int]) -> Choice:
        """A choice that is not a whole answer (`answer` in the type's partial form)."""
        return Choice(list(answer), "Select one answer", "nothing selected")

    def shown_choice(self, option_order: Sequence[int], answer: Sequence[int],
                     complete: bool) -> tuple[list[int], dict[int, int]]:
        """A stored choice as the page shows it: (displayed options selected, {displayed option:
        position chosen})."""
        displayed_of = {authored: i for i, authored in enumerate(option_order)}
        return [displayed_of[a] for a in answer if a in displayed_of], {}

    def form_state(self, form: Any, option_order: Sequence[int]) -> dict[str, Any]:
        """What the candidate had chosen, in displayed positions, to show it again with an error."""
        values = form.getlist("answer") if hasattr(form, "getlist") else []
        return {"selected": [int(v) for v in values if str(v).isdigit()], "positions": {}}

    def form_fields(self, answer: Sequence[int], option_order: Sequence[int],
                    complete: bool = True) -> dict[str, list[str]]:
        """The form fields (displayed positions) that give the stored choice `answer`: the
        inverse of `read_form`, for a page that must show a stored answer it did not send."""
        selected, _positions = self.shown_choice(option_order, answer, complete)
        return {"answer": [str(shown) for shown in selected]}

    def answer_problem(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int],
                       complete: bool = True) -> str | None:
        """Why `answer` cannot be stored as a whole answer (`complete`) or as an incomplete
        choice in the type's partial form (not `complete`); None when it can."""
        return None

    def mark(self, options: Sequence[Mapping[str, Any]], rule: str, answer: Sequence[int] | None) -> float:
        raise NotImplementedError

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
                (f"{self.a_label} item needs exactly one option with 'correct: true', not {correct}",
                 ("options",))
            )
        if _scoring(item) == "partial":
            findings.append(
                (f"'scoring: partial' is not allowed for {self.a_label} item", ("scoring",))
            )
        return findings


    def answer_problem(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int],
                       complete: bool = True) -> str | None:
        if not complete:  # the only incomplete single choice is no choice
            return None if not answer else "Select one answer"
        if len(answer) != 1 or not 0 <= answer[0] < len(options):
            return "Select one answer"
        return None

    def mark(self, options: Sequence[Mapping[str, Any]], rule: str, answer: Sequence[int] | None) -> float:
        key = self.correct_answer(options)
        return scoring.score_single(key[0], answer) if key else 0.0


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
                (f"{self.a_label} item needs at least two options with 'correct: true', "
                 f"not {correct}", ("options",))
            )
        if correct == len(options):
            findings.append(
                (f"{self.a_label} item needs at least one incorrect option", ("options",))
            )
        return findings


    input = "checkboxes"
    clearable = True

    def instruction(self, options: Sequence[Mapping[str, Any]]) -> str:
        return f"Select {len(self.correct_answer(options))} answers."

    def answer_problem(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int],
                       complete: bool = True) -> str | None:
        wanted = len(self.correct_answer(options))
        if len(set(answer)) != len(answer) or not all(0 <= a < len(options) for a in answer):
            return f"Select {wanted} answers"
        if complete and len(answer) != wanted:
            return f"Select {wanted} answers. You selected {len(answer)}."
        return None

    def incomplete(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int]) -> Choice:
        wanted, chosen = len(self.correct_answer(options)), len(answer)
        progress = f"{chosen} of {wanted} selected" if chosen <= wanted else f"{chosen} selected, {wanted} asked for"
        return Choice(sorted(answer), f"Select {wanted} answers. You selected {chosen}.", progress)

    def mark(self, options: Sequence[Mapping[str, Any]], rule: str, answer: Sequence[int] | None) -> float:
        return scoring.score_multiple(self.correct_answer(options), answer, rule)


class Ordering(QuestionType):
    """3 to 10 options, written in the correct order; ``correct`` is meaningless here."""

    name = "ordering"
    label = "ordering"
    min_options = 3

    def validate_answers(self, item: Any, options: list[Any]) -> list[Finding]:
        return [
            (f"'correct' is not used on {self.a_label} item: list the options in the "
             "correct order", ("options", index, "correct"))
            for index, option in enumerate(options)
            if _uses_correct(option)
        ]


    input = "ordering"
    clearable = True

    def correct_answer(self, options: Sequence[Mapping[str, Any]]) -> list[int]:
        return list(range(len(options)))  # the authored order is the key

    def instruction(self, options: Sequence[Mapping[str, Any]]) -> str:
        return f"Give each option a different position, from 1 (first) to {len(options)} (last)."

    def read_form(self, form: Any, option_order: Sequence[int],
                  options: Sequence[Mapping[str, Any]]) -> tuple[Choice | None, str | None]:
        n = len(option_order)
        raw = [str(form.get(f"position-{shown}", "") or "").strip() for shown in range(n)]
        if not all(value == "" or (value.isascii() and value.isdigit() and 1 <= int(value) <= n) for value in raw):
            return None, f"Choose positions from 1 to {n}"
        ranks = [0] * n  # by authored option
        for shown, value in enumerate(raw):
            ranks[option_order[shown]] = int(value) if value else 0
        if all(ranks) and len(set(ranks)) == n:
            return Choice(sorted(range(n), key=lambda authored: ranks[authored])), None
        return self.incomplete(options, ranks), None

    def incomplete(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int]) -> Choice:
        n = len(options)
        ranks = list(answer) if any(answer) else []  # no position chosen: empty
        chosen = sum(1 for rank in ranks if rank)
        repeated = len({rank for rank in ranks if rank}) < chosen
        progress = f"{chosen} of {n} positions chosen" + (", some the same" if repeated else "")
        missing = "Give each option a different position" if repeated and chosen == n else "Choose a position for every option"
        return Choice(ranks, missing, progress)

    def shown_choice(self, option_order: Sequence[int], answer: Sequence[int],
                     complete: bool) -> tuple[list[int], dict[int, int]]:
        displayed_of = {authored: i for i, authored in enumerate(option_order)}
        if complete:
            return [], {displayed_of[a]: rank for rank, a in enumerate(answer, start=1) if a in displayed_of}
        return [], {displayed_of[a]: rank for a, rank in enumerate(answer) if rank and a in displayed_of}

    def form_state(self, form: Any, option_order: Sequence[int]) -> dict[str, Any]:
        positions = {}
        for shown in range(len(option_order)):
            value = str(form.get(f"position-{shown}", "") or "")
            if value.isdigit():
                positions[shown] = int(value)
        return {"selected": [], "positions": positions}

    def form_fields(self, answer: Sequence[int], option_order: Sequence[int],
                    complete: bool = True) -> dict[str, list[str]]:
        _selected, positions = self.shown_choice(option_order, answer, complete)
        return {f"position-{shown}": [str(positions.get(shown, ""))] for shown in range(len(option_order))}

    def answer_problem(self, options: Sequence[Mapping[str, Any]], answer: Sequence[int],
                       complete: bool = True) -> str | None:
        if not complete:  # positions by authored option, 0 for none
            if answer and (len(answer) != len(options) or not all(0 <= rank <= len(options) for rank in answer)):
                return "Choose a position for every option"
            return None
        if not scoring.is_complete_order(len(options), answer):
            return "Give each option a different position"
        return None

    def mark(self, options: Sequence[Mapping[str, Any]], rule: str, answer: Sequence[int] | None) -> float:
        return scoring.score_ordering(len(options), answer, rule)


def _chosen(form: Any, option_order: Sequence[int]) -> tuple[list[int], str | None]:
    """The options ticked or selected on the form, as authored indices."""
    values = form.getlist("answer") if hasattr(form, "getlist") else list(form.get("answer", []))
    chosen: list[int] = []
    for value in values:
        value = str(value).strip()
        if not value.isdigit() or int(value) >= len(option_order):
            return [], "Choose from the options shown"
        authored = option_order[int(value)]
        if authored not in chosen:
            chosen.append(authored)
    return sorted(chosen), None


REGISTRY: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (SingleChoice(), MultipleChoice(), Ordering())
}
"""Every question type, by the name used in bank files."""


def get(name: str) -> QuestionType | None:
    """The question type called ``name``, or ``None``."""
    return REGISTRY.get(name)


def of(name: str) -> QuestionType:
    """The question type called ``name`` (stored content always has a known type)."""
    return REGISTRY[name]


def names() -> list[str]:
    """The type names, in registry order."""
    return list(REGISTRY)
