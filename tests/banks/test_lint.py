"""Bank lint: every rule on small in-memory banks, once where it fires and once where it must not;
then the command on YAML files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quizapp.cli.reports import run_lint
from quizapp.banks.lint import LintWarning, lint, question_sentences, unemphasised_negative
from quizapp.banks.model import Option

from .builders import bank_set, item, many, options, scenario


def rules(warnings: list[LintWarning]) -> list[str]:
    return [w.rule for w in warnings]


def test_a_clean_bank_has_no_warnings():
    items = many(12, type="single") + many(6, prefix="m", type="multiple")
    for n, it in enumerate(items[:12]):
        it.options = options(4, (n % 4,))
    assert lint(bank_set(items)) == []


def test_warning_format_names_file_line_column_and_rule():
    warning = LintWarning("question_banks/x.yaml", 12, 1, "item 'a' has no references", "missing-reference")
    assert str(warning) == "question_banks/x.yaml:12:1: warning: item 'a' has no references [missing-reference]"


# -- answer-position ---------------------------------------------------------------------------


def single_items_keyed(positions: list[int]) -> list:
    items = many(len(positions))
    for it, position in zip(items, positions, strict=True):
        it.options = options(4, (position,))
    return items


@pytest.mark.parametrize(
    ("spread", "fires"),
    [
        ({0: 3, 1: 3, 2: 3, 3: 3}, False),  # perfectly even
        ({0: 8, 1: 4, 2: 4, 3: 4}, False),  # 40% exactly is allowed
        ({0: 9, 1: 4, 2: 4, 3: 3}, True),  # 45% on A
        ({0: 6, 1: 6, 2: 6, 3: 2}, False),  # 10% exactly is allowed
        ({0: 7, 1: 6, 2: 6, 3: 1}, True),  # 5% on D
        ({1: 12}, True),  # every key on B
        ({1: 11}, False),  # fewer than 12 items: not judged
    ],
)
def test_answer_position_balance(spread, fires):
    positions = [p for p, n in spread.items() for _ in range(n)]
    warnings = [w for w in lint(bank_set(single_items_keyed(positions))) if w.rule == "answer-position"]
    assert bool(warnings) is fires
    if fires:
        assert warnings[0].file == "bank.yaml" and warnings[0].line == 1  # the bank's own line
        assert "between 10% and 40%" in warnings[0].message


def test_answer_position_counts_scenario_items_with_their_bank():
    standalone = single_items_keyed([2] * 6)
    in_scenario = single_items_keyed([2] * 6)
    for n, it in enumerate(in_scenario):
        it.key, it.section, it.stem = f"s{n}", "reasoning", f"In the scenario, which step {n} follows?"
    warnings = lint(bank_set(standalone, scenarios=[scenario("sc", in_scenario)]))
    assert "answer-position" in rules(warnings)


# -- longest-key -------------------------------------------------------------------------------

LONG = "The right answer, written out at much greater length than the others"


def with_long_key(it, long_is_correct: bool):
    texts = [LONG if i == 0 else f"The {w} answer" for i, w in enumerate(("alpha", "bravo", "delta", "hotel"))]
    correct = (0,) if long_is_correct else (1,)
    it.options = options(4, correct, texts=texts)
    return it


@pytest.mark.parametrize(
    ("hits", "items", "fires"),
    [(3, 6, True), (2, 6, False), (6, 6, True), (4, 12, False), (5, 12, True), (3, 5, False)],
)
def test_longest_key_on_single_items(hits, items, fires):
    """Chance is 1 in 4; the rule fires above 4/3 of chance, i.e. above 1/3 of the items."""
    bank_items = [with_long_key(it, n < hits) for n, it in enumerate(many(items))]
    assert ("longest-key" in rules(lint(bank_set(bank_items)))) is fires


@pytest.mark.parametrize(("hits", "fires"), [(3, False), (4, True)])
def test_longest_key_on_multiple_items_allows_for_three_keys(hits, fires):
    """Six 3-of-8 items: chance gives 6 x 3/8 = 2.25 hits; the rule fires above 3."""
    bank_items = many(6, type="multiple")
    for n, it in enumerate(bank_items):
        texts = [LONG if i == 0 else f"The {w} answer" for i, w in
                 enumerate(("alpha", "bravo", "delta", "hotel", "oscar", "tango", "romeo", "kilos"))]
        it.options = options(8, (0, 1, 2) if n < hits else (1, 2, 3), texts=texts)
    assert ("longest-key" in rules(lint(bank_set(bank_items)))) is fires


def test_a_tie_for_longest_is_not_a_hit():
    bank_items = many(6)
    for it in bank_items:
        it.options = options(4, (0,), texts=[LONG, LONG.upper(), "The bravo answer", "The delta answer"])
    assert "longest-key" not in rules(lint(bank_set(bank_items)))


# -- above-option ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("None of the above", True),
        ("All of the above", True),
        ("both of the above", True),
        ("All of these", True),
        ("Above all, the child's welfare", False),
        ("Neither parent has parental responsibility", False),
        ("Review all of the above-named orders", True),
    ],
)
def test_above_options(text, fires):
    it = item(opts=options(4, (0,), texts=["The alpha answer", "The bravo answer", "The delta answer", text]))
    warnings = [w for w in lint(bank_set([it])) if w.rule == "above-option"]
    assert bool(warnings) is fires
    if fires:
        assert "option 4" in warnings[0].message


# -- duplicate-stem ----------------------------------------------------------------------------

STEM = ("Under section 17 of the Children Act 1989, what is the general duty of a local authority "
        "towards children in need who live in its area, and how is it met?")


@pytest.mark.parametrize(
    ("second", "fires"),
    [
        (STEM, True),
        ("**Under section 17** of the *Children Act 1989*: what is the general duty of a local authority "
         "towards children in need who live in its area - and how is it met?", True),  # same once normalised
        (STEM.replace("general duty", "main duty"), True),  # near-duplicate: one word changed
        ("Under section 47 of the Children Act 1989, when must a local authority make enquiries?", False),
    ],
)
def test_duplicate_stems_across_banks(second, fires):
    first = item("a1", stem=STEM, line=5)
    other = item("b1", stem=second, line=7, file="other.yaml", bank="other")
    from quizapp.banks.model import Bank

    extra = Bank("other", "fw", "Other", [other], [], file="other.yaml", line=1)
    warnings = [w for w in lint(bank_set([first], extra_banks=[extra])) if w.rule == "duplicate-stem"]
    assert bool(warnings) is fires
    if fires:  # the later item is warned, naming the earlier
        assert (warnings[0].file, warnings[0].line) == ("other.yaml", 7)
        assert "'a1' (bank.yaml:5)" in warnings[0].message


def test_the_same_question_under_two_scenarios_is_not_a_duplicate():
    one = scenario("sc1", [item("s1", section="reasoning", stem="What should happen next?", line=3)])
    two = scenario("sc2", [item("s2", section="reasoning", stem="What should happen next?", line=9)])
    assert "duplicate-stem" not in rules(lint(bank_set(scenarios=[one, two])))


def test_the_same_question_twice_in_one_scenario_is_a_duplicate():
    one = scenario("sc1", [item("s1", section="reasoning", stem="What should happen next?", line=3),
                           item("s2", section="reasoning", stem="What should happen next?", line=9)])
    assert rules(lint(bank_set(scenarios=[one]))) == ["duplicate-stem"]


# -- duplicate-option --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "fires"),
    [
        ("The local authority", "the local authority.", True),
        ("Hold a strategy discussion with the police and health", "Hold a strategy discussion with police and health", True),
        ("26 weeks from the day the application was issued", "40 weeks from the day the application was issued", False),
        ("Within three working days", "Within five working days", False),
        ("Hold a strategy discussion", "Close the case with advice", False),
    ],
)
def test_duplicate_options(a, b, fires):
    it = item(opts=options(4, (0,), texts=[a, "The bravo answer", b, "The delta answer"]))
    warnings = [w for w in lint(bank_set([it])) if w.rule == "duplicate-option"]
    assert bool(warnings) is fires
    if fires:
        assert "options 1 and 3" in warnings[0].message


# -- missing-feedback and missing-reference ----------------------------------------------------


def test_missing_feedback_names_the_options():
    opts = (Option("The alpha answer", True, "Right."), Option("The bravo answer", False, ""),
            Option("The delta answer", False, "No."), Option("The hotel answer", False, "  "))
    warnings = lint(bank_set([item("q", opts=opts, line=4)]))
    assert [(w.rule, w.line) for w in warnings] == [("missing-feedback", 4)]
    assert "options 2, 4 have no feedback" in warnings[0].message


def test_full_feedback_is_clean():
    assert "missing-feedback" not in rules(lint(bank_set([item()])))


@pytest.mark.parametrize(("references", "fires"), [((), True), (("  ",), True), (("Children Act 1989, s.47",), False)])
def test_missing_references(references, fires):
    assert ("missing-reference" in rules(lint(bank_set([item(references=references)])))) is fires


# -- negative-stem -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "word"),
    [
        ("Which of these is not a safeguarding partner?", "not"),
        ("Which of these is NOT a safeguarding partner?", "NOT"),
        ("Each of these is a duty of the local authority except which one?", "except"),
        ("Which explanation is least likely, given the evidence?", "least"),
        ("Read the case notes.\n\nWhat should the social worker not do at this stage", "not"),
        ("What is the least useful thing to record?", "least"),
    ],
)
def test_unemphasised_negative_questions_are_warned(stem, word):
    assert unemphasised_negative(stem) == word
    assert rules(lint(bank_set([item(stem=stem)]))) == ["negative-stem"]


@pytest.mark.parametrize(
    "stem",
    [
        "Which of these is **not** a safeguarding partner?",
        "Which of these is *not* a safeguarding partner?",
        "Which of these is **NOT** a safeguarding partner?",
        "All are duties **except** one. Which one?",
        "Leanne has not attended the last two core groups. What should you do next?",
        "Sam did not come to school on Monday and was not seen by anyone. Which is the best next step?",
        'She says, "I\'m not going to read the file." Which pattern is she at risk of?',
        "How often must a looked-after child's case be reviewed, at least?",
        "Which option is the least restrictive, under the Mental Capacity Act 2005?",
        "What must you do, whether or not the parents agree?",
        "How should you respond to the proposal to cut spending by not renewing contracts?",
        "Under section 20, which parent may remove the child at any time, if not subject to an order?",
    ],
)
def test_ordinary_negation_and_emphasised_negatives_are_clean(stem):
    assert unemphasised_negative(stem) is None
    assert "negative-stem" not in rules(lint(bank_set([item(stem=stem)])))


def test_question_sentences():
    text = "Ayo is 4. He has not been seen.\n\nWhich is right? Explain why. What next"
    assert question_sentences(text) == ["Which is right?", "What next"]


# -- house-style -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "n", "correct", "fires"),
    [
        ("single", 4, (0,), False),
        ("single", 3, (0,), True),
        ("single", 5, (0,), True),
        ("multiple", 8, (0, 1, 2), False),
        ("multiple", 8, (0, 1), True),
        ("multiple", 6, (0, 1, 2), True),
        ("ordering", 5, (), False),
        ("ordering", 3, (), False),
    ],
)
def test_house_style(type_, n, correct, fires):
    it = item(type=type_, opts=options(n, correct))
    assert ("house-style" in rules(lint(bank_set([it])))) is fires
    assert "house-style" not in rules(lint(bank_set([it]), house_style=False))


# -- the command -------------------------------------------------------------------------------

FRAMEWORK_YAML = """\
framework: fw
title: A framework
level: practitioner
statements:
  - {code: A, title: First, summary: One.}
"""

BANK_YAML = """\
bank: b
framework: fw
title: A bank
items:
  - id: q1
    type: single
    section: knowledge
    statements: [A]
    stem: Which of these is **not** a duty?
    options:
      - {text: The alpha answer, correct: true, feedback: Right.}
      - {text: The bravo answer, feedback: No.}
      - {text: The delta answer, feedback: No.}
      - {text: The hotel answer, feedback: No.}
    rationale: Because.
    references: [Children Act 1989, s.17]
"""


def write_banks(tmp_path: Path, bank: str = BANK_YAML) -> Path:
    (tmp_path / "framework.yaml").write_text(FRAMEWORK_YAML)
    (tmp_path / "bank.yaml").write_text(bank)
    return tmp_path


def test_run_lint_clean(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert run_lint([write_banks(tmp_path)], out, err, base=tmp_path) == 0
    assert out.getvalue().splitlines() == ["2 files, 1 banks, 1 items: 0 warnings"]


def test_run_lint_warnings_one_per_line_then_a_summary(tmp_path):
    bank = BANK_YAML.replace("**not**", "not").replace("    references: [Children Act 1989, s.17]\n", "")
    out, err = io.StringIO(), io.StringIO()
    assert run_lint([write_banks(tmp_path, bank)], out, err, base=tmp_path) == 1
    lines = out.getvalue().splitlines()
    assert lines[:-1] == [
        "bank.yaml:5:1: warning: item 'q1' has no references: cite a statute and section, a guidance chapter "
        "or named research [missing-reference]",
        "bank.yaml:5:1: warning: item 'q1': the question asks with 'not' without emphasis: write it as **not**, "
        "or ask the question positively [negative-stem]",
    ]
    assert lines[-1] == "2 files, 1 banks, 1 items: 2 warnings in 1 file"


def test_run_lint_refuses_an_invalid_set(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert run_lint([write_banks(tmp_path, BANK_YAML.replace("type: single", "type: singel"))], out, err,
                    base=tmp_path) == 1
    assert "bank.yaml:6:" in out.getvalue() and "warning" not in out.getvalue()
    assert "not valid" in err.getvalue()


def test_lint_command_house_style_flag_and_usage_error(runner, tmp_path):
    bank = BANK_YAML.replace("      - {text: The hotel answer, feedback: No.}\n", "")
    folder = write_banks(tmp_path, bank)
    with_house = runner.invoke(args=["lint", str(folder)])
    assert with_house.exit_code == 1 and "[house-style]" in with_house.output
    without = runner.invoke(args=["lint", "--no-house-style", str(folder)])
    assert without.exit_code == 0, without.output
    assert runner.invoke(args=["lint", "/no/such/folder"]).exit_code == 2


@pytest.mark.parametrize("module", ["quizapp.banks.lint", "quizapp.banks.coverage", "quizapp.banks.forms"])
def test_the_modules_are_pure(module):
    """No Flask, no database, no file access: they take a BankSet and return values."""
    import ast
    import importlib

    source = Path(importlib.import_module(module).__file__).read_text()
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.ImportFrom)}
    assert not imported & {"flask", "sqlalchemy", "os", "pathlib", "io"}, imported
    assert "open(" not in source
