"""Lint's cue rules: what helps a test-wise candidate more than a knowledgeable one (issue 18).

Pure: each ``check_*`` takes a :class:`~quizapp.banks.model.BankSet` and yields
:class:`~quizapp.banks.lint.LintWarning` values; :func:`cue_report` gathers the figures per bank
and for the whole set, and :func:`render` prints them as ``quizapp lint --cues`` shows them.
The words looked for are in :mod:`quizapp.banks.cue_text`, the statistics in
:mod:`quizapp.banks.cue_stats`. Cue warnings fail ``quizapp lint`` only with ``--strict``
(:data:`CUE_RULES`): they are evidence for a reviewer, not proof of a fault.

Per item:

``absolute-word``
    A single or multiple item where a wrong option says "only", "always", "never", "all",
    "every" ... (:data:`~quizapp.banks.cue_text.ABSOLUTE_WORDS`) and no correct option does.
``key-length``
    A single item whose key is longer than every wrong option by at least
    :data:`KEY_LENGTH_MARGIN` (25%), or shorter than every one by as much.
``option-length``
    An option of a single or multiple item that is at least :data:`OPTION_LENGTH_RATIO` (twice)
    as long as every other option, or at most half as long (easy to rule in or out unread).
``standards-reference``
    An item whose every reference names a standards document (the KSS, the early career
    standards, professional or employer standards, or a framework of the set): cite the statute
    and section, the guidance chapter or the research the fact comes from.
``scenario-fact``
    A scenario item whose stem and options mention none of its scenario's names and numbers:
    perhaps it can be answered without reading the scenario. A heuristic: check, do not obey.

Per bank, and for the whole set when it has more than one bank (whole-set warnings have no
file or line):

``key-length-rank``
    Over a bank's single items of *k* options (at least :data:`RANK_MIN_ITEMS`), the key's
    rank by length among its options (1 = longest; items where the key ties with another
    option are left out). Warns when the 95% Wilson interval of "the key is the longest"
    excludes the chance rate 1/*k*, or when the ranks are far from even (a chi-square test
    against uniform, p < :data:`ALPHA`, made when every rank expects at least 5 keys).
``absolute-balance``
    Over a bank's single and multiple items, the share of correct options with an absolute
    word against the share of wrong ones. Warns when one is at least :data:`ABSOLUTE_RATIO`
    (1.5) times the other and a two-proportion z-test gives p < :data:`ALPHA`.

Across the set:

``name-reuse``
    A person's name (a full name or one of its words, found as
    :class:`~quizapp.banks.cue_text.NameFinder` describes) used in more than one case (a case
    is a scenario with its items, or a standalone item). The later case (by file and line) is
    warned, naming the earlier ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from quizapp.banks.cue_stats import chi_square_uniform, two_proportion_p, wilson_interval
from quizapp.banks.cue_text import (
    NameFinder,
    absolute_words,
    case_texts,
    cites_only_standards,
    mentions,
    scenario_facts,
    standards_patterns,
)
from quizapp.banks.lint import LintWarning
from quizapp.banks.model import BankSet, Item, Scenario

# The thresholds, in one place. Why these values:
# - ALPHA: the usual 5% level. A bank-level warning says "this pattern is unlikely to be chance"
#   and nothing stronger; with about a dozen banks a false alarm now and then is the price.
# - RANK_MIN_ITEMS: as for answer-position, 12 items; below that even a Wilson interval is too
#   wide to show anything and a writer cannot fix a pattern in six items. The chi-square test
#   also needs every rank to expect 5 keys (20 items of four options), its usual condition.
# - ABSOLUTE_RATIO: the review found wrong options 2-3 times likelier than keys to hold an
#   absolute word. 1.5 times warns before that, but still needs the z-test to agree, so a bank
#   of a few items with one "only" is not warned.
# - KEY_LENGTH_MARGIN: a key 25% longer (or shorter) than every wrong option is visible at a
#   glance on the page; below that, lengths vary with the content and a warning would be noise.
# - OPTION_LENGTH_RATIO: any option twice as long (or half as long) as all the others stands
#   out whether it is right or wrong, and invites a guess without reading.
ALPHA = 0.05
RANK_MIN_ITEMS = 12
RANK_MIN_EXPECTED = 5
ABSOLUTE_RATIO = 1.5
KEY_LENGTH_MARGIN = 1.25
OPTION_LENGTH_RATIO = 2.0

CUE_RULES = frozenset({"absolute-word", "key-length", "option-length", "standards-reference", "scenario-fact",
                       "key-length-rank", "absolute-balance", "name-reuse"})
"""The rules of this module: warnings that fail ``quizapp lint`` only with ``--strict``."""


# --------------------------------------------------------------------------------------
# The figures


@dataclass
class RankFigures:
    """The key's length rank among the options of single items with ``k`` options."""

    k: int
    counts: list[int]  # counts[r] = keys of rank r + 1 (1 = longest)

    @property
    def items(self) -> int:
        return sum(self.counts)

    @property
    def longest(self) -> int:
        return self.counts[0]

    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.longest, self.items)

    def chi_square_p(self) -> float | None:
        """The p-value against even ranks, or None when some rank expects under 5 keys."""
        if self.items < RANK_MIN_EXPECTED * self.k:
            return None
        return chi_square_uniform(self.counts)[1]

    def uneven(self) -> bool:
        if self.items < RANK_MIN_ITEMS:
            return False
        low, high = self.interval()
        p = self.chi_square_p()
        return not low <= 1 / self.k <= high or (p is not None and p < ALPHA)


@dataclass
class AbsoluteFigures:
    """Options with an absolute word: correct ones and wrong ones."""

    keys: int = 0
    keys_with: int = 0
    distractors: int = 0
    distractors_with: int = 0

    def rates(self) -> tuple[float, float]:
        return (self.keys_with / self.keys if self.keys else 0.0,
                self.distractors_with / self.distractors if self.distractors else 0.0)

    def ratio(self) -> float | None:
        """Distractor rate over key rate (None when both are 0; infinite when keys have none)."""
        key_rate, distractor_rate = self.rates()
        if key_rate == 0:
            return None if distractor_rate == 0 else float("inf")
        return distractor_rate / key_rate

    def unbalanced(self) -> bool:
        ratio = self.ratio()
        if ratio is None or 1 / ABSOLUTE_RATIO < ratio < ABSOLUTE_RATIO:
            return False
        return two_proportion_p(self.keys_with, self.keys, self.distractors_with, self.distractors) < ALPHA


@dataclass
class Figures:
    """The cue figures of one bank, or of the whole set (``bank`` is ``"all banks"``)."""

    bank: str
    file: str = ""
    line: int = 0
    items: int = 0
    ranks: dict[int, RankFigures] = field(default_factory=dict)
    absolute: AbsoluteFigures = field(default_factory=AbsoluteFigures)
    standards_only: int = 0  # items whose every reference names a standards document
    standards_references: int = 0  # references naming a standards document
    references: int = 0
    scenario_items: int = 0
    scenario_items_without_fact: int = 0


@dataclass
class NameReuse:
    name: str
    cases: list[tuple[str, str, int]]  # (case key, file, line), earliest first


@dataclass
class CueReport:
    banks: list[Figures]
    total: Figures
    names: list[NameReuse]


def key_rank(item: Item) -> int | None:
    """The key's rank by length among a single item's options (1 = longest), or None when
    another option is exactly as long as the key."""
    lengths = [_length(o.text) for o in item.options]
    keys = [n for n, o in enumerate(item.options) if o.correct]
    if len(keys) != 1 or lengths.count(lengths[keys[0]]) != 1:
        return None
    return 1 + sum(length > lengths[keys[0]] for length in lengths)


def figures(name: str, items: Iterable[Item], bank_set: BankSet, finder: NameFinder, *,
            file: str = "", line: int = 0) -> Figures:
    """The cue figures of ``items``."""
    out = Figures(name, file, line)
    patterns = standards_patterns(bank_set)
    scenarios = {s.key: s for s in bank_set.scenarios()}
    facts: dict[str, set[str]] = {}
    for item in items:
        out.items += 1
        if item.type == "single" and (rank := key_rank(item)) is not None:
            k = len(item.options)
            out.ranks.setdefault(k, RankFigures(k, [0] * k)).counts[rank - 1] += 1
        if item.type in ("single", "multiple"):
            for option in item.options:
                has = bool(absolute_words(option.text))
                if option.correct:
                    out.absolute.keys += 1
                    out.absolute.keys_with += has
                else:
                    out.absolute.distractors += 1
                    out.absolute.distractors_with += has
        refs = [r for r in item.references if r.strip()]
        out.references += len(refs)
        out.standards_references += sum(cites_only_standards([r], patterns) for r in refs)
        out.standards_only += cites_only_standards(refs, patterns)
        if item.scenario and item.scenario in scenarios:
            out.scenario_items += 1
            if item.scenario not in facts:
                facts[item.scenario] = scenario_facts(scenarios[item.scenario], finder)
            out.scenario_items_without_fact += not _mentions_scenario(item, facts[item.scenario])
    out.ranks = dict(sorted(out.ranks.items()))
    return out


def cue_report(bank_set: BankSet) -> CueReport:
    """The figures of every bank, of the whole set, and the names used in more than one case."""
    finder = NameFinder(bank_set)
    banks = [figures(b.key, b.all_items(), bank_set, finder, file=b.file, line=b.line)
             for b in bank_set.banks.values()]
    total = figures("all banks", bank_set.items(), bank_set, finder)
    return CueReport(banks, total, name_reuse(bank_set, finder))


def name_reuse(bank_set: BankSet, finder: NameFinder) -> list[NameReuse]:
    """Every name used in more than one case, with its cases in file and line order."""
    cases: dict[str, list[tuple[str, str, int]]] = {}
    for case in sorted(_cases(bank_set), key=lambda c: (c.file, c.line, c.key)):
        for name in finder.names(case_texts(case)):
            cases.setdefault(name, []).append((case.key, case.file, case.line))
    return [NameReuse(name, where) for name, where in sorted(cases.items()) if len(where) > 1]


# --------------------------------------------------------------------------------------
# The rules


def check_absolute_words(bank_set: BankSet) -> Iterator[LintWarning]:
    """Rule ``absolute-word``: see the module docstring."""
    for item in bank_set.items():
        if item.type not in ("single", "multiple"):
            continue
        found = [(n, absolute_words(o.text), o.correct) for n, o in enumerate(item.options, start=1)]
        if any(words and correct for _, words, correct in found):
            continue
        wrong = [f"option {n} '{words[0]}'" for n, words, correct in found if words and not correct]
        if wrong:
            yield _at(item, "absolute-word",
                      f"item '{item.key}': only wrong options use absolute words ({', '.join(wrong)}): a "
                      f"test-wise candidate rules them out unread; qualify them, or make the error another one")


def check_key_length(bank_set: BankSet) -> Iterator[LintWarning]:
    """Rules ``key-length`` and ``option-length``: see the module docstring."""
    for item in bank_set.items():
        if item.type not in ("single", "multiple") or len(item.options) < 3:
            continue
        lengths = [_length(o.text) for o in item.options]
        flagged = None
        if item.type == "single" and sum(o.correct for o in item.options) == 1:
            key = next(n for n, o in enumerate(item.options) if o.correct)
            others = [x for n, x in enumerate(lengths) if n != key]
            if lengths[key] >= KEY_LENGTH_MARGIN * max(others):
                flagged, how = key, f"longer than every wrong option by at least {KEY_LENGTH_MARGIN - 1:.0%}"
            elif lengths[key] * KEY_LENGTH_MARGIN <= min(others):
                flagged, how = key, f"shorter than every wrong option by at least {KEY_LENGTH_MARGIN - 1:.0%}"
            if flagged is not None:
                yield _at(item, "key-length",
                          f"item '{item.key}': the correct option ({lengths[key]} characters) is {how}: "
                          f"a test-wise candidate picks it unread; bring the options to similar lengths")
        for n, length in enumerate(lengths):
            others = lengths[:n] + lengths[n + 1:]
            if n == flagged:
                continue
            if length >= OPTION_LENGTH_RATIO * max(others):
                how = "at least twice as long as"
            elif length * OPTION_LENGTH_RATIO <= min(others):
                how = "at most half as long as"
            else:
                continue
            yield _at(item, "option-length",
                      f"item '{item.key}': option {n + 1} ({length} characters) is {how} every other "
                      f"option: it stands out unread; bring the options to similar lengths")


def check_standards_references(bank_set: BankSet) -> Iterator[LintWarning]:
    """Rule ``standards-reference``: see the module docstring."""
    patterns = standards_patterns(bank_set)
    for item in bank_set.items():
        if cites_only_standards(item.references, patterns):
            yield _at(item, "standards-reference",
                      f"item '{item.key}' cites only a standards document: add the statute and section, "
                      f"the guidance chapter or the research its answer rests on")


def check_scenario_facts(bank_set: BankSet) -> Iterator[LintWarning]:
    """Rule ``scenario-fact``: see the module docstring."""
    finder = NameFinder(bank_set)
    for scenario in bank_set.scenarios():
        facts = scenario_facts(scenario, finder)
        if not facts:
            continue
        for item in scenario.items:
            if not _mentions_scenario(item, facts):
                yield _at(item, "scenario-fact",
                          f"item '{item.key}': its question and options mention no name or number from "
                          f"scenario '{scenario.key}': make sure it needs the scenario, and say in the "
                          f"rationale which fact of the scenario decides it")


def check_bank_figures(bank_set: BankSet) -> Iterator[LintWarning]:
    """Rules ``key-length-rank`` and ``absolute-balance``, per bank and for the whole set."""
    report = cue_report(bank_set)
    rows = list(report.banks)
    if len(bank_set.banks) > 1:
        rows.append(report.total)
    for row in rows:
        where = f"bank '{row.bank}'" if row.file else "across all banks"
        for ranks in row.ranks.values():
            if ranks.uneven():
                low, high = ranks.interval()
                p = ranks.chi_square_p()
                test = f"; chi-square against even ranks p {_p(p)}" if p is not None else ""
                yield _warning(row, "key-length-rank",
                               f"{where}: the key is the longest option in {ranks.longest} of {ranks.items} "
                               f"{ranks.k}-option single items ({_pc(ranks.longest / ranks.items)}, 95% interval "
                               f"{_pc(low)}-{_pc(high)}; chance {_pc(1 / ranks.k)}); keys by length rank, longest "
                               f"first: {'/'.join(map(str, ranks.counts))}{test}: make the key as often the "
                               f"longest, second, third ... as the shortest")
        a = row.absolute
        if a.unbalanced():
            key_rate, distractor_rate = a.rates()
            yield _warning(row, "absolute-balance",
                           f"{where}: {_pc(distractor_rate)} of wrong options ({a.distractors_with} of "
                           f"{a.distractors}) use an absolute word against {_pc(key_rate)} of correct ones "
                           f"({a.keys_with} of {a.keys}): balance them, so the word says nothing about the answer")


def check_name_reuse(bank_set: BankSet) -> Iterator[LintWarning]:
    """Rule ``name-reuse``: see the module docstring."""
    later: dict[tuple[str, str, int], list[str]] = {}
    for reuse in name_reuse(bank_set, NameFinder(bank_set)):
        first_key, first_file, first_line = reuse.cases[0]
        for case in reuse.cases[1:]:
            later.setdefault(case, []).append(f"'{reuse.name}' ({first_key}, {first_file}:{first_line})")
    for (key, file, line), names in sorted(later.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        yield LintWarning(file, line, 1, f"'{key}' uses names already used in another case: {', '.join(names)}: "
                                         f"give different cases different people", "name-reuse")


RULES = (check_absolute_words, check_key_length, check_standards_references, check_scenario_facts,
         check_bank_figures, check_name_reuse)
"""Every cue rule, for :func:`quizapp.banks.lint.lint`."""


# --------------------------------------------------------------------------------------
# The table of ``quizapp lint --cues``


def render(report: CueReport) -> str:
    """The cue figures as text: two tables with a row per bank and one for the whole set (key
    length; words and sources), then the names used in more than one case."""
    rows = [*report.banks, report.total]
    lengths = [["bank", "single items", "key rank 1/2/3/4 (1 = longest)", "key longest (95% CI)", "chance",
                "chi-square p"]]
    for row in rows:
        for n, ranks in enumerate(row.ranks.values() or [None]):
            name = row.bank if n == 0 else ""
            if ranks is None:
                lengths.append([name, "0", "-", "-", "-", "-"])
                continue
            low, high = ranks.interval()
            p = ranks.chi_square_p()
            lengths.append([name, str(ranks.items) + ("" if ranks.k == 4 else f" ({ranks.k} options)"),
                            "/".join(map(str, ranks.counts)),
                            f"{_pc(ranks.longest / ranks.items)} ({_pc(low)}-{_pc(high)})", _pc(1 / ranks.k),
                            "-" if p is None else _p(p).removeprefix("= ")])
    words = [["bank", "items", "keys with an absolute word", "wrong options with one", "ratio",
              "items citing only standards", "scenario items naming nothing from it"]]
    for row in rows:
        a = row.absolute
        key_rate, distractor_rate = a.rates()
        ratio = a.ratio()
        words.append([row.bank, str(row.items), f"{_pc(key_rate)} ({a.keys_with} of {a.keys})",
                      f"{_pc(distractor_rate)} ({a.distractors_with} of {a.distractors})",
                      "-" if ratio is None else "inf" if ratio == float("inf") else f"{ratio:.1f}",
                      f"{row.standards_only} ({row.standards_references} of {row.references} references)",
                      f"{row.scenario_items_without_fact} of {row.scenario_items}"])
    lines = ["Cues: what helps a test-wise candidate (docs/content-review.md, section 'Cues')", "",
             "Key length, single items (ties with the key left out):", *_table(lengths), "",
             "Absolute words (single and multiple items), references and scenarios:", *_table(words), "",
             f"Names used in more than one case: {len(report.names)}"]
    for reuse in report.names:
        lines.append(f"  {reuse.name}: " + ", ".join(f"{key} ({file}:{line})" for key, file, line in reuse.cases))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Helpers


def _cases(bank_set: BankSet) -> list[Item | Scenario]:
    return [case for bank in bank_set.banks.values() for case in (*bank.items, *bank.scenarios)]


def _mentions_scenario(item: Item, facts: set[str]) -> bool:
    return not facts or any(mentions(text, facts) for text in (item.stem, *(o.text for o in item.options)))


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _at(item: Item, rule: str, message: str) -> LintWarning:
    return LintWarning(item.file, item.line, 1, message, rule)


def _warning(row: Figures, rule: str, message: str) -> LintWarning:
    return LintWarning(row.file, row.line, 1 if row.file else 0, message, rule)


def _pc(fraction: float) -> str:
    return f"{fraction:.0%}"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


__all__ = [
    "ABSOLUTE_RATIO",
    "ALPHA",
    "CUE_RULES",
    "CueReport",
    "Figures",
    "KEY_LENGTH_MARGIN",
    "OPTION_LENGTH_RATIO",
    "RANK_MIN_ITEMS",
    "RULES",
    "cue_report",
    "key_rank",
    "render",
]
