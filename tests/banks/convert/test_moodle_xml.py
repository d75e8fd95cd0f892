"""Moodle XML exports: each question type converted or reported, and hostile XML refused."""

from __future__ import annotations

import pytest

from quizapp.banks.convert import moodle_xml

from tests.banks.convert.conftest import MOODLE


@pytest.fixture(scope="module")
def conversion():
    return moodle_xml.convert((MOODLE / "questions.xml").read_bytes(), "questions.xml")


def by_name(conversion, name):
    return next(q for q in conversion.questions if q.name == name)


def test_what_was_converted_and_what_was_not(conversion):
    assert [q.name for q in conversion.questions] == [
        "S47 threshold", "Who attends a strategy discussion?", "Threshold for care orders", "Consent under s.20",
        "Child protection steps", "Markdown question"]
    assert [(s.where, s.name, s.reason) for s in conversion.skipped] == [
        ("question 6", "Name the Act", "short answer questions have no equivalent in quizapp"),
        ("question 7", "Reflect", "essay questions have no equivalent in quizapp"),
        ("question 8", "Match sections", "matching questions have no equivalent in quizapp"),
        ("question 9", "Cloze", "embedded answers (cloze) questions have no equivalent in quizapp"),
        ("question 10", "Instructions", "a description, not a question"),
        ("question 11", "Duplicate answers", "two answers have the same text ('Yes')"),
    ]
    assert conversion.categories == ["$course$/top/Safeguarding/Section 47", "$course$/top/Law"]
    assert conversion.summary() == "6 questions converted (5 with something to check), 6 not converted"


def test_single_choice_with_html(conversion):
    q = by_name(conversion, "S47 threshold")
    assert q.type == "single" and q.category == "$course$/top/Safeguarding/Section 47"
    assert q.stem == (
        "A referral says **Amir**, aged 6, has a *bruise*.\\\nWhat does `s.47` require?\n\n"
        "- Read the [section](https://www.legislation.gov.uk/ukpga/1989/41/section/47) first\n"
        "- Ignore \\<b> tags\n\n(image: Body map)"
    )
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("Enquiries to decide whether to act", True, "Right: the duty is to make enquiries."),
        ("An immediate care order", False, "No: a care order is made by a court under s.31."),
        ("Nothing until a second referral", False, ""),
    ]
    assert q.rationale == "Section 47 is the duty to make enquiries."
    assert q.notes == ["question text: an embedded file (image or attachment) was dropped",
                       "question text: an image (its description is kept)"]


def test_multiple_answers_with_fractional_weights(conversion):
    q = by_name(conversion, "Who attends a strategy discussion?")
    assert q.type == "multiple" and q.scoring == "partial"
    assert [o.correct for o in q.options] == [True, True, True, False]
    assert q.stem == "Which agencies must be invited?\\\nChoose all that apply."  # auto-format line break kept
    assert "correct answers had different weights (50/25/25%); here they count equally" in q.notes
    assert any("penalties unlike ours" in note for note in q.notes)


def test_single_answer_with_partial_credit_hints_and_no_shuffle(conversion):
    q = by_name(conversion, "Threshold for care orders")
    assert [o.correct for o in q.options] == [True, False, False]
    assert q.stem == "Which section sets the threshold for a care order? Use \\* and \\_ freely."
    assert q.rationale == ""  # the writer puts a TODO there
    assert q.notes == [
        "no general feedback: the rationale is a TODO for you to write",
        "partial credit (50%) for other answers was dropped: only the best answer (100%) is marked correct",
        "hints were dropped (quizapp has none)",
        "combined feedback (correctfeedback) was dropped: the option feedback and rationale stand instead",
        "Moodle did not shuffle this question's answers; quizapp shuffles them unless the test sets "
        "shuffle_options: false (check for 'all of the above')",
    ]


def test_true_false_becomes_single_choice(conversion):
    q = by_name(conversion, "Consent under s.20")
    assert q.type == "single"
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("True", True, "Correct."), ("False", False, "They can, under s.20(8).")]


def test_ordering_sorted_by_position(conversion):
    q = by_name(conversion, "Child protection steps")
    assert q.type == "ordering" and q.scoring == "partial"
    assert [o.text for o in q.options] == ["Referral", "Strategy discussion", "Section 47 enquiries", "Conference"]
    assert not any(o.correct for o in q.options)


def test_markdown_text_is_kept_with_html_escaped(conversion):
    q = by_name(conversion, "Markdown question")
    assert q.stem == "Which is **not** a duty? Ignore \\<script>."
    assert q.rationale == "*Working Together* sets this out."


@pytest.mark.parametrize("name", ["entity-bomb.xml", "external-entity.xml"])
def test_document_type_declarations_are_refused(name):
    with pytest.raises(moodle_xml.ConvertError, match="refused"):
        moodle_xml.convert((MOODLE / name).read_bytes())


@pytest.mark.parametrize("name", ["entity-bomb.xml", "external-entity.xml"])
def test_the_fallback_parser_refuses_them_too(name):
    with pytest.raises(ValueError, match="document type"):
        moodle_xml._fromstring_without_dtd((MOODLE / name).read_bytes())
    assert moodle_xml._fromstring_without_dtd(b"<quiz><question type='x'/></quiz>").tag == "quiz"


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"<quiz><question>", "not well-formed XML"), (b"<assessment/>", "root element is <assessment>")],
)
def test_unreadable_files(data, message):
    with pytest.raises(moodle_xml.ConvertError, match=message):
        moodle_xml.convert(data)


def test_size_limit(monkeypatch):
    monkeypatch.setattr(moodle_xml, "MAX_BYTES", 10)
    with pytest.raises(moodle_xml.ConvertError, match="larger than"):
        moodle_xml.convert(b"<quiz></quiz>   ")


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ('<answer fraction="0"><text>a</text></answer><answer fraction="0"><text>b</text></answer>',
         "no answer has a positive grade, so there is no correct answer"),
        ('<answer fraction="100"><text>a</text></answer><answer fraction="100"><text>b</text></answer>',
         "2 answers are fully correct; a single-choice item has exactly one"),
        ('<answer fraction="100"><text>a</text></answer>', "a single-choice question needs at least 2 answers"),
        ("".join(f'<answer fraction="{100 if i == 0 else 0}"><text>o{i}</text></answer>' for i in range(11)),
         "11 answers: our items have at most 10"),
    ],
)
def test_questions_that_break_our_rules_are_reported(answers, reason):
    xml = f'<quiz><question type="multichoice"><name><text>Q</text></name><questiontext><text>Stem</text></questiontext>{answers}</question></quiz>'
    conversion = moodle_xml.convert(xml.encode())
    assert conversion.questions == []
    assert conversion.skipped[0].reason == reason


def test_a_multiple_answer_question_with_one_right_answer_becomes_single():
    xml = ('<quiz><question type="multichoice"><questiontext><text>Stem</text></questiontext><single>false</single>'
           '<answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text></answer></question></quiz>')
    q = moodle_xml.convert(xml.encode()).questions[0]
    assert q.type == "single" and q.notes[-1].startswith("a multiple-answer question with one correct answer")
