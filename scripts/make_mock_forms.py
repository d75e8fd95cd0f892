"""Write the parallel mock test blueprints (mock A and mock B of each level) as fixed item lists.

    .venv/bin/python scripts/make_mock_forms.py            # rewrite question_banks/tests/*-mock-[ab].yaml
    .venv/bin/python scripts/make_mock_forms.py --check    # exit 1 if the files differ from a fresh split

The two forms of a level share no item: the knowledge items are split by
`quizapp.banks.forms.split_knowledge` (same number per statement in each form, types and
difficulty balanced) and the scenarios by `split_scenarios` (two whole scenarios per form).
The supervisor mocks, like the real supervisor assessment, take their 18 knowledge items from
the practitioner framework; they use none of the practitioner mocks' items either, so a
supervisor who has sat the practitioner mocks meets new questions. A level may name a
`case_study`: one scenario of 12 items that is the whole of mock A's Part 2, as the real
assessment built its 12 applied questions on a single case (mock B then gets two scenarios
from the rest). A level's `mock_types` limits its mocks to those item types (the real test
had 1-of-4 and 3-of-8 items only): knowledge items of other types are left out, and so are
scenarios with any item of another type.

The split is deterministic: run it again after the banks change, and review the diff. Editing
the titles or descriptions: change them here and run again (a hand edit in the YAML is
overwritten the next time the script runs). The diagnostic blueprints are written by hand.
See docs/content-review.md ("How the test forms are built").
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.banks import forms  # noqa: E402
from quizapp.banks.model import BankSet  # noqa: E402
from quizapp.banks.validate import load_bank_set  # noqa: E402

KNOWLEDGE_ITEMS = 18
SCENARIOS_PER_FORM = 2
TIME_LIMIT_MINUTES = 60
PASS_MARK_PERCENT = 60


@dataclass(frozen=True)
class Level:
    prefix: str  # test ids are <prefix>-mock-a and <prefix>-mock-b
    name: str  # "practitioner", in running text
    framework: str  # the test's framework: its scenarios
    knowledge_framework: str  # where Part 1 comes from
    seed: int
    intro: str
    part1: str
    part2: str
    knowledge_title: str = "Part 1: knowledge"
    reasoning_title: str = "Part 2: case studies"
    after: str = ""  # the prefix of a level whose mock items this level must not reuse
    case_study: str = ""  # a 12-item scenario that is the whole of mock A's Part 2
    part2_case_study: str = ""  # Part 2's description in the form with the case study
    case_study_title: str = "Part 2: case study"  # Part 2's title in that form
    mock_types: tuple[str, ...] = ("single", "multiple", "ordering")  # the item types a mock may use
    scoring_note: str = ""  # a closing paragraph of every form's description


LEVELS = (
    Level(
        prefix="practitioner", name="practitioner", framework="kss-practitioner",
        knowledge_framework="kss-practitioner", seed=1,
        intro="A full-length mock of the practitioner knowledge assessment: 30 questions in 60 minutes.",
        part1="18 short knowledge questions on all ten practitioner statements ({spread}).",
        part2="two case studies, {scenarios}, with 6 questions each on analysis, decisions and next steps.",
    ),
    Level(
        prefix="supervisor", name="practice supervisor", framework="kss-practice-supervisor",
        knowledge_framework="kss-practitioner", seed=2, after="practitioner",
        intro=("A full-length mock of the practice supervisor knowledge assessment: 30 questions in "
               "60 minutes. As in the real assessment, Part 1 is at practitioner level and Part 2 at "
               "supervisor level."),
        part1=("18 short knowledge questions on the ten practitioner statements ({spread}), none of "
               "them from the practitioner mocks."),
        part2=("two supervision case studies, {scenarios}, with 6 questions each on supervising the "
               "work, the practitioner and the decisions."),
        knowledge_title="Part 1: practitioner knowledge",
        reasoning_title="Part 2: supervision case studies",
        case_study="ps-sc-06",
        case_study_title="Part 2: supervision case study",
        part2_case_study=("one long supervision case study, {scenarios}, with 12 questions on "
                          "supervising the work, the practitioner and the decisions, as the real "
                          "assessment built its applied questions on a single case."),
        mock_types=("single", "multiple"),
        scoring_note=("Every question is either 1 correct answer of 4 or 3 correct answers of 8, the "
                      "real assessment's two formats. That pass mark and the partial credit on 3-of-8 "
                      "questions are this service's own: the Department for Education never published "
                      "the assessment's scoring rule or cut score."),
    ),
    Level(
        prefix="leader", name="practice leader", framework="kss-practice-leader",
        knowledge_framework="kss-practice-leader", seed=3,
        intro=("A full-length mock for practice leaders: 30 questions in 60 minutes, in the same shape "
               "as the practitioner and supervisor assessments (there was no national test for "
               "practice leaders)."),
        part1="18 short knowledge questions on the six practice leader statements ({spread}).",
        part2="two service-level case studies, {scenarios}, with 6 questions each.",
        reasoning_title="Part 2: service case studies",
    ),
)


@dataclass(frozen=True)
class Form:
    test: str
    level: Level
    letter: str
    knowledge: list[str]
    scenarios: list[str]
    reasoning: list[str]


def plan(bank_set: BankSet) -> list[Form]:
    """Mock A and mock B of every level, in LEVELS order."""
    out: list[Form] = []
    used: dict[str, list[str]] = {}
    for level in LEVELS:
        codes = [s.code for s in bank_set.frameworks[level.knowledge_framework].statements]
        candidates = [c for c in forms.knowledge_candidates(bank_set, level.knowledge_framework)
                      if c.type in level.mock_types]
        knowledge = forms.split_knowledge(candidates, codes, KNOWLEDGE_ITEMS,
                                          exclude=used.get(level.after, ()), seed=level.seed)
        scenarios = [s for s in forms.scenario_candidates(bank_set, level.framework)
                     if all(i.type in level.mock_types for i in s.items)]
        if level.case_study:
            case = [s for s in scenarios if s.key == level.case_study]
            if len(case) != 1 or len(case[0].items) != KNOWLEDGE_ITEMS * 2 // 3:
                raise SystemExit(f"{level.case_study}: not a scenario of 12 {'/'.join(level.mock_types)} items")
            chosen = [[level.case_study], *forms.split_scenarios(scenarios, SCENARIOS_PER_FORM, forms=1,
                                                                  exclude=[level.case_study])]
        else:
            chosen = forms.split_scenarios(scenarios, SCENARIOS_PER_FORM)
        used[level.prefix] = [key for form in knowledge for key in form]
        for letter, items, keys in zip("ab", knowledge, chosen, strict=True):
            out.append(Form(f"{level.prefix}-mock-{letter}", level, letter, items, keys,
                            forms.scenario_items(scenarios, keys)))
    return out


def render(form: Form, bank_set: BankSet) -> str:
    """The blueprint file of one form."""
    items = {item.key: item for item in bank_set.items()}
    scenarios = {s.key: s for s in bank_set.scenarios()}
    level = form.level
    other = "B" if form.letter == "a" else "A"
    per_statement: dict[str, int] = {}
    for key in form.knowledge:
        code = items[key].statements[0]
        per_statement[code] = per_statement.get(code, 0) + 1
    counts = sorted(set(per_statement.values()))
    spread = " or ".join(str(n) for n in counts) + " on each"
    titles = " and ".join(f"*{scenarios[key].title}*" for key in form.scenarios)
    part2 = level.part2_case_study if level.case_study in form.scenarios else level.part2
    if level.case_study:
        shape = ("has the same Part 1 shape, " + ("two shorter case studies" if form.letter == "a"
                 else "a single 12-question case study") + " and none of the same questions")
    else:
        shape = "has the same shape and none of the same questions"
    lines = [
        "# yaml-language-server: $schema=../../docs/bank-format.schema.json",
        "#",
        "# Generated by scripts/make_mock_forms.py: edit the script and run it again rather than this",
        f"# file. Mock A and mock B of the {level.name} level share no item (fixed lists, split",
        "# by quizapp.banks.forms); see docs/content-review.md.",
        f"test: {form.test}",
        f"title: {level.name.capitalize()} mock test {form.letter.upper()}",
        f"framework: {level.framework}",
        "description: |",
        *_wrap(level.intro, "  "),
        "",
        *_wrap(f"- **Part 1:** {level.part1.format(spread=spread)}", "  ", "    "),
        *_wrap(f"- **Part 2:** {part2.format(scenarios=titles)}", "  ", "    "),
        "",
        *_wrap(f"Mock {other} {shape}: take one, study the "
               f"statements your result shows as weakest, then take the other. The pass mark is "
               f"{PASS_MARK_PERCENT}%.", "  "),
        *(["", *_wrap(level.scoring_note, "  ")] if level.scoring_note else []),
        f"time_limit_minutes: {TIME_LIMIT_MINUTES}",
        f"pass_mark_percent: {PASS_MARK_PERCENT}",
        "sections:",
        "  - section: knowledge",
        f'    title: "{level.knowledge_title}"',
    ]
    if level.knowledge_framework != level.framework:
        lines.append(f"    framework: {level.knowledge_framework}")
    lines += ["    draw:", "      items:"]
    lines += [f"        - {key}  # {', '.join(items[key].statements)} {items[key].type}" for key in form.knowledge]
    reasoning_title = level.case_study_title if level.case_study in form.scenarios else level.reasoning_title
    lines += ["  - section: reasoning", f'    title: "{reasoning_title}"', "    draw:", "      items:"]
    for key in form.scenarios:
        lines.append(f"        # {key}: {scenarios[key].title}")
        lines += [f"        - {item.key}" for item in scenarios[key].items]
    return "\n".join(lines) + "\n"


def _wrap(text: str, first: str, rest: str | None = None, width: int = 96) -> list[str]:
    rest = first if rest is None else rest
    lines, line = [], first
    for word in text.split():
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = rest
        line += ("" if line == first or line == rest else " ") + word
    lines.append(line.rstrip())
    return lines


def load_banks(banks: Path, out_dir: Path) -> BankSet:
    """The frameworks and banks (not the test blueprints, which this script writes)."""
    paths = sorted(p for p in banks.rglob("*.y*ml") if out_dir not in p.parents)
    bank_set = load_bank_set(paths, base=ROOT)
    if bank_set.problems:
        for problem in bank_set.problems:
            print(problem, file=sys.stderr)
        raise SystemExit("the banks are not valid: fix them first (quizapp validate)")
    return bank_set


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--banks", type=Path, default=ROOT / "question_banks")
    parser.add_argument("--check", action="store_true", help="only report files that would change")
    args = parser.parse_args(argv)
    out_dir = args.banks / "tests"
    bank_set = load_banks(args.banks, out_dir)
    changed = 0
    for form in plan(bank_set):
        path = out_dir / f"{form.test}.yaml"
        text = render(form, bank_set)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed += 1
        print(f"{'would change' if args.check else 'wrote'} {path.relative_to(ROOT) if ROOT in path.parents else path}")
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if not changed:
        print("The mock forms are up to date.")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
