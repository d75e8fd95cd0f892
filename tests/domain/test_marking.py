"""Marking through the question types: what a candidate sees shuffled is marked the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from quizapp.domain import question_types

SINGLE = [{"text": f"s{i}", "correct": i == 2, "feedback": ""} for i in range(4)]
MULTIPLE = [{"text": f"m{i}", "correct": i in (0, 3, 5), "feedback": ""} for i in range(8)]
ORDERING = [{"text": f"o{i}", "correct": False, "feedback": ""} for i in range(5)]
CASES = [("single", SINGLE), ("multiple", MULTIPLE), ("ordering", ORDERING)]


def form_for(qtype_name, options, option_order, authored_answer):
    """The form a candidate would send for `authored_answer` when shown `option_order`."""
    shown = {authored: displayed for displayed, authored in enumerate(option_order)}
    if qtype_name == "ordering":
        return MultiDict({f"position-{shown[a]}": str(rank) for rank, a in enumerate(authored_answer, start=1)})
    return MultiDict([("answer", str(shown[a])) for a in authored_answer])


@st.composite
def shown_and_answer(draw, name, options):
    order = draw(st.permutations(list(range(len(options)))))
    n = len(options)
    if name == "single":
        answer = [draw(st.integers(0, n - 1))]
    elif name == "multiple":
        answer = sorted(draw(st.sets(st.integers(0, n - 1), min_size=3, max_size=3)))
    else:
        answer = draw(st.permutations(list(range(n))))
    return order, list(answer)


@pytest.mark.parametrize(("name", "options"), CASES)
@given(data=st.data())
def test_shuffling_options_never_changes_a_score(name, options, data):
    qtype = question_types.of(name)
    order, answer = data.draw(shown_and_answer(name, options))
    identity = list(range(len(options)))
    parsed_shuffled, problem = qtype.parse_form(form_for(name, options, order, answer), order, options)
    parsed_plain, _ = qtype.parse_form(form_for(name, options, identity, answer), identity, options)
    assert problem is None
    assert parsed_shuffled == parsed_plain
    for rule in ("all-or-nothing", "partial"):
        if name == "single" and rule == "partial":
            continue
        score = qtype.mark(options, rule, parsed_shuffled)
        assert 0.0 <= score <= 1.0
        assert score == qtype.mark(options, rule, parsed_plain)


@pytest.mark.parametrize(("name", "options"), CASES)
def test_the_key_scores_one(name, options):
    qtype = question_types.of(name)
    for rule in ("all-or-nothing", "partial"):
        assert qtype.mark(options, rule, qtype.correct_answer(options)) == 1.0


@pytest.mark.parametrize(
    ("name", "options", "form", "message"),
    [
        ("multiple", MULTIPLE, MultiDict([("answer", "0"), ("answer", "1")]), "Select 3 answers. You selected 2."),
        ("multiple", MULTIPLE, MultiDict([("answer", str(i)) for i in range(4)]), "Select 3 answers. You selected 4."),
        ("single", SINGLE, MultiDict([("answer", "9")]), "Choose from the options shown"),
        ("single", SINGLE, MultiDict([("answer", "x")]), "Choose from the options shown"),
        ("ordering", ORDERING, MultiDict({"position-0": "1", "position-1": "1", "position-2": "2", "position-3": "3", "position-4": "4"}),
         "Give each option a different position"),
        ("ordering", ORDERING, MultiDict({"position-0": "1"}), "Choose a position for every option"),
        ("ordering", ORDERING, MultiDict({f"position-{i}": str(i + 2) for i in range(5)}), "Choose positions from 1 to 5"),
    ],
)
def test_bad_answers_get_a_clear_message(name, options, form, message):
    answer, problem = question_types.of(name).parse_form(form, list(range(len(options))), options)
    assert answer is None and problem == message


@pytest.mark.parametrize(("name", "options"), CASES)
def test_no_choice_is_no_answer_not_an_error(name, options):
    assert question_types.of(name).parse_form(MultiDict(), list(range(len(options))), options) == (None, None)


def test_instructions_say_how_many():
    assert question_types.of("multiple").instruction(MULTIPLE) == "Select 3 answers."
    assert question_types.of("single").instruction(SINGLE) == "Select one answer."
    assert "1 (first) to 5 (last)" in question_types.of("ordering").instruction(ORDERING)
