"""The question-type registry and each type's option rules."""

from __future__ import annotations

import pytest

from quizapp.domain import question_types
from quizapp.banks.model import Item, Option
from quizapp.domain.question_types import REGISTRY, MultipleChoice, Ordering, SingleChoice


def mapping(type_name: str, corrects: list[bool | None], scoring: str | None = None) -> dict:
    """An item mapping as read from YAML; None leaves 'correct' out of that option."""
    options = []
    for index, correct in enumerate(corrects):
        option: dict = {"text": f"option {index}"}
        if correct is not None:
            option["correct"] = correct
        options.append(option)
    item: dict = {"type": type_name, "options": options}
    if scoring is not None:
        item["scoring"] = scoring
    return item


def test_registry() -> None:
    assert list(REGISTRY) == ["single", "multiple", "ordering"]
    assert isinstance(question_types.get("single"), SingleChoice)
    assert isinstance(question_types.get("multiple"), MultipleChoice)
    assert isinstance(question_types.get("ordering"), Ordering)
    assert question_types.get("essay") is None
    assert question_types.names() == ["single", "multiple", "ordering"]


@pytest.mark.parametrize(
    ("type_name", "corrects", "scoring"),
    [
        ("single", [True, None], None),
        ("single", [False, True, False], "all-or-nothing"),
        ("multiple", [True, True, None], None),
        ("multiple", [True, True, False, None], "partial"),
        ("ordering", [None, None, None], None),
        ("ordering", [None] * 10, "partial"),
    ],
)
def test_valid(type_name: str, corrects: list, scoring: str | None) -> None:
    assert REGISTRY[type_name].validate(mapping(type_name, corrects, scoring)) == []


@pytest.mark.parametrize(
    ("type_name", "corrects", "scoring", "expected"),
    [
        ("single", [True], None, [("a single-choice item needs 2 to 10 options, not 1", ("options",))]),
        ("single", [True] + [None] * 10, None,
         [("a single-choice item needs 2 to 10 options, not 11", ("options",))]),
        ("single", [True, True], None,
         [("a single-choice item needs exactly one option with 'correct: true', not 2", ("options",))]),
        ("single", [None, False], None,
         [("a single-choice item needs exactly one option with 'correct: true', not 0", ("options",))]),
        ("single", [True, None], "partial",
         [("'scoring: partial' is not allowed for a single-choice item", ("scoring",))]),
        ("multiple", [True, True], None,
         [("a multiple-choice item needs 3 to 10 options, not 2", ("options",)),
          ("a multiple-choice item needs at least one incorrect option", ("options",))]),
        ("multiple", [True, None, None], None,
         [("a multiple-choice item needs at least two options with 'correct: true', not 1", ("options",))]),
        ("multiple", [True, True, True], None,
         [("a multiple-choice item needs at least one incorrect option", ("options",))]),
        ("ordering", [None, None], None, [("an ordering item needs 3 to 10 options, not 2", ("options",))]),
        ("ordering", [None, True, False], None,
         [("'correct' is not used on an ordering item: list the options in the correct order",
           ("options", 1, "correct")),
          ("'correct' is not used on an ordering item: list the options in the correct order",
           ("options", 2, "correct"))]),
    ],
)
def test_rules(type_name: str, corrects: list, scoring: str | None, expected: list) -> None:
    assert REGISTRY[type_name].validate(mapping(type_name, corrects, scoring)) == expected


def test_options_that_are_not_mappings_are_counted_but_never_correct() -> None:
    item = {"type": "single", "options": ["loose text", {"text": "a", "correct": True}]}
    assert REGISTRY["single"].validate(item) == []


def test_missing_options_are_left_to_the_validator() -> None:
    # the bank validator reports missing options itself; the type only counts them
    assert REGISTRY["single"].validate({"type": "single"})[0][0].endswith("not 0")


def test_validate_accepts_an_item() -> None:
    item = Item(key="x", type="single", section="knowledge", statements=("P1",), stem="?",
                options=(Option("a", True), Option("b", True)), rationale="r", scoring="partial")
    messages = [message for message, _ in REGISTRY["single"].validate(item)]
    assert messages == [
        "a single-choice item needs exactly one option with 'correct: true', not 2",
        "'scoring: partial' is not allowed for a single-choice item",
    ]
