"""GIFT files: each question kind converted or reported, escapes and weights honoured."""

from __future__ import annotations

import pytest

from quizapp.domain import markup
from quizapp.banks.convert import gift

from tests.banks.convert.conftest import MOODLE


@pytest.fixture(scope="module")
def conversion():
    return gift.convert((MOODLE / "questions.gift").read_bytes(), "questions.gift")


def by_name(conversion, name):
    return next(q for q in conversion.questions if q.name == name)


def test_what_was_converted_and_what_was_not(conversion):
    assert [q.name for q in conversion.questions] == [
        "S47 duty", "Escapes", "Agencies", "Even weights", "Consent", "False one", "HTML", "Markdown",
        "Missing word", "Partial single"]
    assert [str(s) for s in conversion.skipped] == [
        "question 11 (line 56) 'Numerical': not converted: numerical questions have no equivalent in quizapp",
        "question 12 (line 58) 'Short answer': not converted: a short-answer question (every answer is right) has no "
        "equivalent in quizapp",
        "question 13 (line 60) 'Matching': not converted: matching questions have no equivalent in quizapp",
        "question 14 (line 62) 'Essay': not converted: an essay question (no answers) has no equivalent in quizapp",
        "question 15 (line 64): not converted: a description (no answers), not a question",
        "question 16 (line 66) 'Two right': not converted: 2 answers are fully correct; a single-choice item has "
        "exactly one",
    ]
    assert conversion.categories == ["$course$/top/Safeguarding"]


def test_single_choice_with_feedback_and_general_feedback(conversion):
    q = by_name(conversion, "S47 duty")
    assert q.type == "single" and q.category == "$course$/top/Safeguarding"
    assert q.stem == "What does section 47 of the Children Act 1989 require: enquiries, or an order?"
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("Enquiries to decide whether to act", True, "Right: the duty is to make enquiries."),
        ("An immediate care order", False, "No: that needs a court under s.31."),
        ("Nothing until a second referral", False, ""),
    ]
    assert q.rationale == "Section 47 is the duty to make {enquiries}."
    assert q.notes == []


def test_escaped_characters(conversion):
    q = by_name(conversion, "Escapes")
    assert q.stem == "Which sum is right? 2 + 2 = 4 ~ approx, a # sign and a back\\\\slash"
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("2 = 2", True, "Yes: equal."), ("1 ~ 3", False, ""), ("5 { 6 }", False, "")]


def test_weighted_answers_make_a_multiple_response_item(conversion):
    q = by_name(conversion, "Agencies")
    assert q.type == "multiple" and q.scoring == "partial"
    assert [(o.text, o.correct) for o in q.options] == [
        ("Police", True), ("Health", True), ("Children's social care", True), ("The child's football coach", False)]
    assert q.options[0].feedback == "Yes." and q.options[3].feedback == "No."
    assert q.rationale == "Police, health and children's social care at least."
    assert "correct answers had different weights (50/30/20%); here they count equally" in q.notes
    even = by_name(conversion, "Even weights")
    assert [o.correct for o in even.options] == [True, True, False]
    assert not any("weights" in note or "penalties" in note for note in even.notes)  # -50 = our rule for 2 correct


def test_true_false_feedback_order(conversion):
    q = by_name(conversion, "Consent")
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("True", True, "Right: s.20(8)."), ("False", False, "No, they can: s.20(8).")]
    assert q.rationale == "Section 20(8)."
    q = by_name(conversion, "False one")
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("True", False, "Wrong: only a court can make one."), ("False", True, "Correct.")]


def test_formats(conversion):
    assert by_name(conversion, "HTML").stem == "Who is **Lord Laming**?\\\nChoose one."
    assert by_name(conversion, "Markdown").stem == "Which is **not** a duty?"


def test_missing_word_and_partial_single(conversion):
    q = by_name(conversion, "Missing word")
    assert q.stem == "The threshold for a care order is in section \\_\\_\\_\\_\\_ of the Children Act 1989."
    assert markup.render(q.stem) == "<p>The threshold for a care order is in section _____ of the Children Act 1989.</p>\n"
    assert [(o.text, o.correct) for o in q.options] == [("31", True), ("20", False), ("47", False)]
    q = by_name(conversion, "Partial single")
    assert [o.correct for o in q.options] == [False, True, False]
    assert "partial credit (50%) for other answers was dropped: only the '=' answer is correct" in q.notes


def test_not_utf8():
    with pytest.raises(gift.ConvertError, match="UTF-8"):
        gift.convert(b"\xff\xfe{=a ~b}")


def test_windows_line_endings_and_a_bom():
    conversion = gift.convert("\ufeff::Q:: Stem {\r\n=a\r\n~b\r\n}\r\n".encode())
    assert [(o.text, o.correct) for o in conversion.questions[0].options] == [("a", True), ("b", False)]
