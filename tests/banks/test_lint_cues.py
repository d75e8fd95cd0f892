"""Lint's cue rules (quizapp/banks/cues.py): each on small in-memory banks, where it fires and
where it must not; the cue figures and their table; and the command's --cues and --strict."""

from __future__ import annotations

import io

import pytest

from quizapp.banks.cue_text import NameFinder, absolute_words
from quizapp.banks.cues import CUE_RULES, cue_report, key_rank, render
from quizapp.banks.lint import LintWarning, failing, lint
from quizapp.banks.model import Bank, Scenario
from quizapp.cli.reports import run_lint
from tests.banks.builders import bank_set, item, many, options, scenario
from tests.banks.test_lint import BANK_YAML, write_banks


def fired(warnings: list[LintWarning], rule: str) -> list[LintWarning]:
    return [w for w in warnings if w.rule == rule]


def single(key_text: str, *wrong: str, key: str = "i1", line: int = 1, **kwargs):
    """A single item whose first option, ``key_text``, is the key."""
    return item(key, line=line, opts=options(len(wrong) + 1, (0,), texts=[key_text, *wrong]), **kwargs)


WRONG = ("The bravo answer here", "The delta answer here", "The hotel answer here")


# -- absolute words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Only the mother has parental responsibility", ["only"]),
        ("The local authority must ALWAYS tell the police", ["always"]),
        ("No one may see the file, and nothing is shared", ["no one", "nothing"]),
        ("Every child in need is automatically looked after", ["every", "automatically"]),
        ("Not only the child but the parents are heard", []),  # an idiom
        ("If it is needed at all, after all the checks", []),
        ("The local authority must make enquiries", []),  # must: the language of duties
        ("Several, usually, often", []),
    ],
)
def test_absolute_words(text, words):
    assert absolute_words(text) == words


@pytest.mark.parametrize(
    ("texts", "correct", "fires"),
    [
        (["The right answer", "It always applies", "The delta answer", "The hotel answer"], (0,), True),
        (["It only applies here", "It always applies", "The delta answer", "The hotel answer"], (0,), False),
        (["The right answer", "The bravo answer", "The delta answer", "The hotel answer"], (0,), False),
        (["It never applies", "The bravo answer", "The delta answer", "The hotel answer"], (0,), False),
    ],
)
def test_absolute_word_only_in_wrong_options(texts, correct, fires):
    warnings = fired(lint(bank_set([item(opts=options(4, correct, texts=texts))])), "absolute-word")
    assert bool(warnings) is fires
    if fires:
        assert "option 2 'always'" in warnings[0].message and warnings[0].line == 1


def test_ordering_items_are_not_judged_on_absolute_words():
    texts = ["Always first", "Then second", "Then third", "Then fourth"]
    assert not fired(lint(bank_set([item(type="ordering", opts=options(4, (), texts=texts))])), "absolute-word")


# -- key-length and option-length --------------------------------------------------------------


@pytest.mark.parametrize(
    ("key_text", "rule"),
    [
        ("The correct answer, a bit longer", "key-length"),  # 32 characters: >= 1.25 x 21
        ("The correct answer is ok", None),  # 24 characters: under 1.25 x 21
        ("Shortest option", "key-length"),  # 15 characters: 15 x 1.25 <= 21
        ("Short option one ok", None),  # 19 characters
        ("The correct answer, written at twice the length of any other", "key-length"),  # key-length, not both
    ],
)
def test_key_length(key_text, rule):
    warnings = lint(bank_set([single(key_text, *WRONG)]))
    found = [w.rule for w in warnings if w.rule in ("key-length", "option-length")]
    assert found == ([rule] if rule else [])


@pytest.mark.parametrize(
    ("odd", "fires"),
    [("A wrong answer that runs on to more than twice the length", True),
     ("A wrong answer that is long but not twice", False),
     ("Too short", True),  # 9 characters: at most half of 21
     ("Shortish wrong one", False)],
)
def test_option_length_judges_wrong_options_too(odd, fires):
    it = single("The right answer here", "The bravo answer here", odd, "The hotel answer here")
    assert bool(fired(lint(bank_set([it])), "option-length")) is fires


def test_key_rank_is_by_length_and_ties_say_nothing():
    assert key_rank(single("The longest answer of all", *WRONG)) == 1
    assert key_rank(single("Short", *WRONG)) == 4
    assert key_rank(single("The right answer here", *WRONG)) is None  # as long as the others


# -- key-length-rank ---------------------------------------------------------------------------

LENGTHS = {1: "A key longer than any other!!", 2: "A key that is second", 3: "Third key", 4: "Key"}
WRONG_BY_RANK = {  # three wrong options that leave the key at that rank
    1: ("Wrong option one", "Wrong option two", "Wrong option 3"),
    2: ("A wrong option, the longest one", "Wrong option two", "Wrong"),
    3: ("A wrong option, the longest one", "A wrong option, next", "Wr"),
    4: ("A wrong option, the longest one", "A wrong option, next", "Wrong one"),
}


def ranked(spread: dict[int, int]) -> list:
    items, n = [], 0
    for rank, count in spread.items():
        for _ in range(count):
            items.append(single(LENGTHS[rank], *WRONG_BY_RANK[rank], key=f"r{n}", line=10 * n + 1,
                                stem=f"Which rule {n} applies?"))
            n += 1
    return items


@pytest.mark.parametrize(
    ("spread", "fires"),
    [
        ({1: 3, 2: 3, 3: 3, 4: 3}, False),  # even
        ({2: 12}, True),  # never the longest: 95% interval 0%-24% excludes 25%
        ({2: 11}, False),  # fewer than 12 items: not judged
        ({1: 5, 2: 5, 3: 5, 4: 5}, False),
        ({1: 5, 2: 15}, True),  # longest 25% as chance, but never third or shortest: chi-square
        ({1: 8, 2: 4, 3: 4, 4: 4}, False),  # 40% longest: interval 22%-61% holds 25%; chi-square p 0.26
        ({1: 12, 2: 4, 3: 4}, True),  # 60% longest
    ],
)
def test_key_length_rank(spread, fires):
    items = ranked(spread)
    assert [key_rank(i) for i in items] == [r for r, c in spread.items() for _ in range(c)]
    warnings = fired(lint(bank_set(items)), "key-length-rank")
    assert bool(warnings) is fires
    if fires:
        assert (warnings[0].file, warnings[0].line) == ("bank.yaml", 1)
        assert "chance 25%" in warnings[0].message


def test_whole_set_figures_have_no_place_and_print_without_one():
    one = ranked({2: 6})
    other = ranked({2: 6})
    for it in other:
        it.key, it.file, it.bank = f"o{it.key}", "other.yaml", "other"
    extra = Bank("other", "fw", "Other", other, [], file="other.yaml", line=1)
    warnings = fired(lint(bank_set(one, extra_banks=[extra])), "key-length-rank")
    assert [(w.file, w.line) for w in warnings] == [("", 0)]  # neither bank alone has 12 items
    assert str(warnings[0]).startswith("warning: across all banks: the key is the longest option in 0 of 12")


# -- absolute-balance --------------------------------------------------------------------------


def absolute_bank(absolute_wrong: int, absolute_keys: int, n: int = 20) -> list:
    items = many(n)
    for k, it in enumerate(items):
        texts = ["The right answer", "The bravo answer", "The delta answer", "The hotel answer"]
        if k < absolute_keys:
            texts[0] = "It always applies"
        if k < absolute_wrong:
            texts[1] = "It never applies"
        it.options = options(4, (0,), texts=texts)
    return items


@pytest.mark.parametrize(
    ("wrong", "keys", "n", "fires"),
    [(12, 0, 20, True), (12, 4, 20, False), (3, 0, 20, False), (0, 0, 20, False), (0, 6, 20, True)],
)
def test_absolute_balance(wrong, keys, n, fires):
    """Wrong options 60 in all (20 x 3), keys 20: 12 absolute wrong against none of the keys is a
    cue; 3 against none is not significant; 6 keys against no wrong option is a cue the other way."""
    assert bool(fired(lint(bank_set(absolute_bank(wrong, keys, n))), "absolute-balance")) is fires


# -- standards-reference -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("references", "fires"),
    [
        (("Knowledge and skills statement for child and family practitioners (DfE, 2018), statement 3",), True),
        (("KSS statement 3", "Social Work England (2019) Professional standards, standard 3"), True),
        (("Framework, statement A",), True),  # the title of a framework of the set
        (("KSS statement 3", "Children Act 1989, s.47"), False),
        (("Working Together to Safeguard Children 2023, chapter 3",), False),
        ((), False),  # missing-reference says that
    ],
)
def test_standards_reference(references, fires):
    assert bool(fired(lint(bank_set([item(references=references)])), "standards-reference")) is fires


# -- scenario-fact -----------------------------------------------------------------------------

VIGNETTE = "Amara Okafor (7) lives with her father, Tunde. She has missed 12 days of school since March."


@pytest.mark.parametrize(
    ("stem", "option", "fires"),
    [
        ("What should you do first about Amara?", "The alpha answer", False),
        ("Which explanation fits?", "Tunde is struggling", False),  # in an option
        ("How worrying is missing 12 days?", "The alpha answer", False),  # a number
        ("Which reasoning error is most likely here?", "The alpha answer", True),
    ],
)
def test_scenario_fact(stem, option, fires):
    opts = options(4, (0,), texts=[option, "The bravo answer", "The delta answer", "The hotel answer"])
    sc = scenario("sc", [item("s1", section="reasoning", stem=stem, opts=opts, line=7)])
    sc.text = VIGNETTE
    warnings = fired(lint(bank_set(scenarios=[sc])), "scenario-fact")
    assert bool(warnings) is fires
    if fires:
        assert warnings[0].line == 7 and "scenario 'sc'" in warnings[0].message


# -- name-reuse --------------------------------------------------------------------------------


def case(key: str, text: str, line: int, references: tuple[str, ...] = ("Children Act 1989, s.17",)) -> Scenario:
    sc = scenario(key, [item(f"{key}-1", section="reasoning", stem="What should happen next for the child?",
                             line=line + 5, references=references)], line=line)
    sc.text = text
    return sc


@pytest.mark.parametrize(
    ("first", "second", "names"),
    [
        ("Joanna Nowak lives with Dean.", "Later, Zofia Nowak told her teacher.", ["'Nowak'"]),
        ("Joanna Nowak lives alone.", "Her friend, Joanna Nowak, calls.", ["'Joanna Nowak'", "'Joanna'", "'Nowak'"]),
        ("You visit Joanna Nowak at home.", "Joanna says she is tired.", ["'Joanna'"]),  # the given name alone
        ("The Children Act applies to Joanna Nowak.", "The Children Act applies to Leah Morris.", []),
        ("Detective Sergeant Karen Price called.", "Detective Sergeant Helen Ashby called.", []),
        ("As Eileen Munro found, Joanna Nowak says.", "As Eileen Munro found, Leah Morris says.", []),  # cited
    ],
)
def test_name_reuse(first, second, names):
    one, two = case("sc1", first, 10, ("Munro (2011) The Munro Review",)), case("sc2", second, 50)
    filler = item("f1", stem="It is ordinary for the child and the family: children act on what they see, the "
                           "detective and the sergeant said.", line=90)
    warnings = fired(lint(bank_set([filler], scenarios=[one, two])), "name-reuse")
    if not names:
        assert warnings == []
        return
    assert [(w.file, w.line) for w in warnings] == [("bank.yaml", 50)]  # the later case
    for name in names:
        assert f"{name} (sc1, bank.yaml:10)" in warnings[0].message


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("Joanna Nowak (26) lives with Dean Whitfield.", [("Joanna", "Nowak"), ("Dean", "Whitfield")]),
        ("We met Kerry-Ann Doyle and Siobhan O'Connor.", [("Kerry-Ann", "Doyle"), ("Siobhan", "O'Connor")]),
        ("Joanna Nowak's GP called.", [("Joanna", "Nowak")]),
        ("Working Together sets out the duty. The Panel met.", []),
    ],
)
def test_people_s_names(text, pairs):
    other = item("o", stem="Later we spoke to Joanna, to Dean, to Kerry-Ann and to Siobhan about the duty: the "
                           "panel was working together with the others.")
    finder = NameFinder(bank_set([item(stem=text), other]))
    assert finder.pairs(text) == pairs


# -- the figures and the command ---------------------------------------------------------------


def test_cue_report_counts_and_table():
    items = ranked({1: 2, 2: 10}) + [item("x", references=("KSS statement 2",), line=500)]
    report = cue_report(bank_set(items))
    (row,) = report.banks
    assert (row.items, row.ranks[4].counts, row.standards_only) == (13, [2, 10, 0, 0], 1)
    text = render(report)
    assert "2/10/0/0" in text and "17% (5%-45%)" in text and "all banks" in text
    assert "Names used in more than one case: 0" in text


def test_cue_rules_are_all_listed_and_switchable():
    items = ranked({2: 12}) + [single("It is the case", "It always applies", "The delta answer", "The hotel answer",
                                      key="abs", line=900, references=("KSS statement 2",))]
    warnings = lint(bank_set(items))  # answer-position too: every key is option A
    assert {"key-length-rank", "absolute-word", "standards-reference"} <= {w.rule for w in warnings} & CUE_RULES
    assert not {w.rule for w in lint(bank_set(items), cues=False)} & CUE_RULES
    assert {w.rule for w in failing(warnings)} == {"answer-position"}
    assert failing(warnings, strict=True) == warnings


CUE_BANK_YAML = BANK_YAML.replace("{text: The bravo answer, feedback: No.}", "{text: It always applies, feedback: No.}")


@pytest.mark.parametrize(
    ("strict", "table", "code"),
    [(False, False, 0), (True, False, 1), (False, True, 0)],
)
def test_run_lint_cue_warnings_fail_only_when_strict(tmp_path, strict, table, code):
    out, err = io.StringIO(), io.StringIO()
    assert run_lint([write_banks(tmp_path, CUE_BANK_YAML)], out, err, base=tmp_path, strict=strict,
                    cues_table=table) == code
    text = out.getvalue()
    assert "bank.yaml:5:1: warning: item 'q1': only wrong options use absolute words (option 2 'always')" in text
    assert "1 warning in 1 file (1 about cues, which fail only with --strict)" in text
    assert ("Cues: what helps a test-wise candidate" in text) is table


def test_lint_command_strict_and_cues_flags(runner, tmp_path):
    folder = write_banks(tmp_path, CUE_BANK_YAML)
    plain = runner.invoke(args=["lint", str(folder)])
    assert plain.exit_code == 0 and "[absolute-word]" in plain.output
    assert runner.invoke(args=["lint", "--strict", str(folder)]).exit_code == 1
    table = runner.invoke(args=["lint", "--cues", str(folder)])
    assert table.exit_code == 0 and "key rank 1/2/3/4" in table.output


def test_a_real_rule_still_fails_without_strict(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    bank = CUE_BANK_YAML.replace("    references: [Children Act 1989, s.17]\n", "")
    assert run_lint([write_banks(tmp_path, bank)], out, err, base=tmp_path) == 1
