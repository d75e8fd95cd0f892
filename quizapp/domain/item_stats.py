"""Classical item analysis: the formulas, as pure functions. No Flask, no database.

The definitions follow Moodle's published quiz statistics (docs.moodle.org, "Quiz statistics
calculations"), so that trainers moving from Moodle read the same figures. docs/item-analysis.md
explains each one with a worked example; tests/domain/test_item_stats.py checks each against values
computed by hand.

Notation: S attempts; x(s) the item's score in attempt s (0 to 1); T(s) the attempt's total;
X(s) = T(s) - x(s), the rest of the test. Variances and covariances divide by S - 1.

- facility          F = mean(x) / max, with max = 1 here: the proportion of the available score
                    that candidates earned (high = easy).
- SD                sqrt(V(x)).
- discrimination    r(x, X) = C(x, X) / sqrt(V(x) V(X)): the correlation of the item with the rest
  index             of the test. Moodle shows it x 100.
- discriminative    C(x, X) / Cmax(x, X), where Cmax is the covariance of x and X each sorted on its
  efficiency        own (the largest covariance their two distributions allow): how close the
                    item comes to the best discrimination its score distribution permits.
- form figures      mean, median and SD of the attempts' percents; Cronbach's alpha
                    = k / (k - 1) * (1 - sum V(x_i) / V(T)) over the k question positions (KR-20
                    when every question is scored 0 or 1); standard error of measurement
                    SEM = SD * sqrt(1 - alpha).

Intervals (Wilson for facility, Fisher's z for discrimination) are in quizapp.domain.intervals,
alpha and alpha without each item in quizapp.domain.reliability. Questions not reached because
the time ran out (not_reached) are left out of the items' figures and of alpha; a possible key
error needs thirds of at least 10 and Fisher's exact test.

Tests drawn at random give each candidate different questions, so (as Moodle does for random
questions) the form figures treat each question *position* as one part of the test, and the
item figures use only the attempts that were shown the item. The rest of the test is taken as a
proportion of its maximum, (T - x) / (k - 1): with forms of one length this is Moodle's X
divided by a constant, so every correlation is exactly Moodle's, and it stays comparable when
scenario draws make forms of different lengths.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from quizapp.domain import intervals
from quizapp.domain.reliability import alpha_if_deleted, cronbach_alpha, standard_error_of_measurement

DEFAULT_MIN_SAMPLE = 30
INTERVAL_LEVEL = 0.90

EASY_ABOVE = 0.9
HARD_BELOW = 0.2
WEAK_DISCRIMINATION_BELOW = 0.2
KEY_ERROR_MIN_GROUP = 10
KEY_ERROR_P = 0.05
"""A distractor is flagged as a possible key error when the top third chose it more often than
the bottom third, each third has at least KEY_ERROR_MIN_GROUP candidates, and Fisher's exact test
says so at KEY_ERROR_P (one-sided): one candidate's stray choice, or 3 against 1 in thirds of 8,
is not a flag."""


# -- elementary statistics ----------------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def covariance(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Sample covariance (divides by n - 1); None for fewer than two pairs."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y must have the same length")
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / (n - 1)


def variance(values: Sequence[float]) -> float | None:
    """Sample variance (divides by n - 1)."""
    return covariance(values, values)


def sd(values: Sequence[float]) -> float | None:
    v = variance(values)
    return math.sqrt(v) if v is not None else None


def correlation(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; None when either variable does not vary (r is undefined)."""
    c, vx, vy = covariance(x, y), variance(x), variance(y)
    if c is None or not vx or not vy:
        return None
    return c / math.sqrt(vx * vy)


# -- item figures -------------------------------------------------------------------------------


def facility(scores: Sequence[float], max_score: float = 1.0) -> float | None:
    """Mean score as a proportion of the maximum (Moodle's facility index, without the x 100)."""
    m = mean(scores)
    return m / max_score if m is not None else None


def discrimination_index(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """The correlation of the item's score with the rest of the test (Moodle's discrimination index / 100)."""
    return correlation(item, rest)


def max_covariance(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """Moodle's Cmax: the covariance of the two score lists each sorted on its own."""
    return covariance(sorted(item), sorted(rest))


def discriminative_efficiency(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """C(x, X) / Cmax(x, X): the discrimination the item achieves as a share of the most its
    score distribution allows (Moodle's discriminative efficiency / 100). None when Cmax is 0."""
    c, cmax = covariance(item, rest), max_covariance(item, rest)
    if c is None or not cmax:
        return None
    return c / cmax


# -- form figures -------------------------------------------------------------------------------


# -- groups and intervals -----------------------------------------------------------------------


def thirds(ranking: Sequence[tuple[float, int]]) -> tuple[list[int], list[int]]:
    """The top and bottom thirds of a group, as positions in `ranking`.

    `ranking` holds (score, tie-breaker) per member; each third has n // 3 members (the middle
    takes the remainder). Members with equal scores are ordered by the tie-breaker (the attempt
    id: earlier attempts count as higher), so the groups are reproducible."""
    n = len(ranking)
    size = n // 3
    if size == 0:
        return [], []
    order = sorted(range(n), key=lambda i: (-ranking[i][0], ranking[i][1]))
    return order[:size], order[n - size:]


# -- the analysis of a set of attempts ----------------------------------------------------------


@dataclass(frozen=True)
class ItemInfo:
    """What the analysis needs to know about one item version."""

    version_id: int
    key: str
    number: int  # version number
    type: str  # single | multiple | ordering
    options: tuple[str, ...]  # option texts, authored order
    correct: tuple[int, ...]  # keyed options (authored indices); for ordering, every option
    stem: str = ""
    section: str = ""
    statements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """One question of one attempt."""

    version_id: int
    position: int
    score: float  # 0 to 1, as stored when the attempt ended
    chosen: tuple[int, ...] | None  # authored indices (ordering: the candidate's order); None if unanswered
    # False when the time ran out before the candidate got this far: unanswered, and after the
    # last question they answered in an attempt that ended by time (see not_reached()).
    reached: bool = True


def not_reached(answers: Sequence[Answer], expired: bool) -> tuple[Answer, ...]:
    """The attempt's answers with `reached` set: in an attempt the time ended, the unanswered
    questions after the last answered position were never reached (a speeded test's tail), while
    an unanswered question before it was skipped. A submitted attempt reached every question."""
    if not expired:
        return tuple(answers)
    answered = [a.position for a in answers if a.chosen is not None]
    last = max(answered, default=-1)
    return tuple(a if a.chosen is not None or a.position < last else
                 Answer(a.version_id, a.position, a.score, a.chosen, reached=False) for a in answers)


@dataclass(frozen=True)
class AttemptData:
    attempt_id: int
    answers: tuple[Answer, ...]

    @property
    def total(self) -> float:
        return sum(a.score for a in self.answers)

    @property
    def max_score(self) -> int:
        return len(self.answers)

    @property
    def proportion(self) -> float:
        return self.total / self.max_score if self.answers else 0.0

    @property
    def reached_all(self) -> bool:
        return all(a.reached for a in self.answers)


@dataclass(frozen=True)
class Flag:
    code: str  # easy | hard | discrimination | unused-distractor | key-error
    message: str


@dataclass(frozen=True)
class OptionStats:
    index: int  # authored
    text: str
    correct: bool
    chosen: int  # all candidates shown the item
    top: int  # of the top third
    bottom: int  # of the bottom third
    # The correlation of choosing this option (1 or 0) with the rest of the test: negative for a
    # distractor that works (weaker candidates choose it), positive for a key.
    point_biserial: float | None = None
    key_error_p: float | None = None  # Fisher's exact test, top against bottom third (distractors)

    def share(self, count: int, of: int) -> float | None:
        return count / of if of else None


@dataclass
class ItemStats:
    item: ItemInfo
    n: int  # candidates who reached the item
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    facility_interval: tuple[float, float] | None
    discrimination_interval: tuple[float, float] | None
    unanswered: int  # skipped: reached but left unanswered (scored 0, counted in n)
    group_size: int  # members of each of the top and bottom thirds
    options: list[OptionStats] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    flagged_when_n_at_least: int = DEFAULT_MIN_SAMPLE
    not_reached: int = 0  # shown in an attempt whose time ran out first: left out of every figure
    alpha_if_deleted: float | None = None  # fixed forms only: the form's alpha without this item

    @property
    def sample_too_small(self) -> bool:
        return self.n < self.flagged_when_n_at_least


@dataclass(frozen=True)
class FormStats:
    attempts: int
    mean_percent: float | None
    median_percent: float | None
    sd_percent: float | None
    alpha: float | None
    alpha_attempts: int  # the attempts alpha was computed on (the usual number of questions, all reached)
    questions: int  # k: questions per form (the most common number)
    sem_percent: float | None  # in percentage points
    alpha_interval: tuple[float, float] | None = None  # Feldt
    not_reached_attempts: int = 0  # attempts whose time ran out before they reached every question

    @property
    def sem_marks(self) -> float | None:
        return self.sem_percent * self.questions / 100 if self.sem_percent is not None else None


@dataclass
class Analysis:
    form: FormStats
    items: list[ItemStats]
    min_sample: int


@dataclass(frozen=True)
class CountedAttempts:
    """The attempts alpha is computed on: those with the most common number of questions that
    reached every one. Worked out once per analysis and given to form_stats and
    fixed_form_alpha_if_deleted."""
    questions: int  # the most common number of questions
    answers: list[list[Answer]]  # per counted attempt, its answers in position order
    scores: list[list[float]]  # the same, as scores: the matrix alpha is computed on


def counted_attempts(attempts: Sequence[AttemptData]) -> CountedAttempts:
    """The most common number of questions, and the attempts of that length that reached every one."""
    lengths: dict[int, int] = {}
    for a in attempts:
        lengths[len(a.answers)] = lengths.get(len(a.answers), 0) + 1
    k = max(lengths, key=lambda length: (lengths[length], length)) if lengths else 0
    rows = [sorted(a.answers, key=lambda x: x.position) for a in attempts if len(a.answers) == k and a.reached_all]
    return CountedAttempts(k, rows, [[answer.score for answer in row] for row in rows])


def form_stats(attempts: Sequence[AttemptData], counted: CountedAttempts | None = None) -> FormStats:
    """Mean, median and SD of the percents, and alpha (with Feldt's interval) and the SEM over
    question positions. Alpha leaves out attempts that did not reach every question: scoring a
    speeded test's unreached tail as wrong would make the questions look more alike than they are.
    `counted` is counted_attempts(attempts), worked out here when not given."""
    percents = [100 * a.proportion for a in attempts]
    if counted is None:
        counted = counted_attempts(attempts)
    alpha = cronbach_alpha(counted.scores)
    spread = sd(percents)
    return FormStats(
        attempts=len(attempts),
        mean_percent=mean(percents),
        median_percent=median(percents),
        sd_percent=spread,
        alpha=alpha,
        alpha_attempts=len(counted.scores) if alpha is not None else 0,
        questions=counted.questions,
        sem_percent=standard_error_of_measurement(spread, alpha),
        alpha_interval=intervals.feldt(alpha, len(counted.scores), counted.questions, INTERVAL_LEVEL),
        not_reached_attempts=sum(1 for a in attempts if not a.reached_all),
    )


def fixed_form_alpha_if_deleted(attempts: Sequence[AttemptData],
                                counted: CountedAttempts | None = None) -> dict[int, float | None]:
    """Per item version, alpha without it, when every counted attempt had the same item version at
    each position (a fixed form); empty for drawn tests, where a position holds different items.
    `counted` is counted_attempts(attempts), worked out here when not given."""
    if counted is None:
        counted = counted_attempts(attempts)
    if len(counted.answers) < 2:
        return {}
    layout = [a.version_id for a in counted.answers[0]]
    if any([a.version_id for a in row] != layout for row in counted.answers):
        return {}
    return dict(zip(layout, alpha_if_deleted(counted.scores), strict=False))


def figure(value: float, threshold: float) -> str:
    """`value` with enough decimals (2 to 4) that it does not print as the threshold it is compared
    with: 0.1976 against 0.2 is "0.198", never "0.20 is below 0.2"."""
    for places in (2, 3, 4):
        text = f"{value:.{places}f}"
        if float(text) != threshold:
            return text
    return f"{value:.4f}"


def item_flags(stats: ItemStats, min_sample: int) -> list[Flag]:
    """The warnings for one item; none below the minimum sample."""
    if stats.n < min_sample:
        return []
    flags = []
    if stats.facility is not None and stats.facility > EASY_ABOVE:
        flags.append(Flag("easy", f"Too easy: facility {figure(stats.facility, EASY_ABOVE)} is above {EASY_ABOVE}"))
    if stats.facility is not None and stats.facility < HARD_BELOW:
        flags.append(Flag("hard", f"Too hard: facility {figure(stats.facility, HARD_BELOW)} is below {HARD_BELOW}"))
    r = stats.discrimination
    if r is not None and r < 0:
        flags.append(Flag("discrimination", f"Negative discrimination: {figure(r, 0.0)} is below 0 (stronger "
                                            "candidates did worse on this item than weaker ones)"))
    elif r is not None and r < WEAK_DISCRIMINATION_BELOW:
        flags.append(Flag("discrimination", f"Weak discrimination: {figure(r, WEAK_DISCRIMINATION_BELOW)} is "
                                            f"below {WEAK_DISCRIMINATION_BELOW}"))
    if stats.item.type in ("single", "multiple"):
        for option in stats.options:
            if option.correct:
                continue
            label = _short(option.text)
            if option.chosen == 0:
                flags.append(Flag("unused-distractor", f"Nobody chose the distractor \u201c{label}\u201d"))
            elif option.key_error_p is not None and option.key_error_p < KEY_ERROR_P:
                flags.append(Flag(
                    "key-error",
                    f"Possible key error: the distractor \u201c{label}\u201d was chosen by more of the top third "
                    f"({option.top} of {stats.group_size}) than of the bottom third ({option.bottom} of "
                    f"{stats.group_size}); Fisher's exact test p = {option.key_error_p:.3f}",
                ))
    return flags


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def analyse(attempts: Sequence[AttemptData], items: Mapping[int, ItemInfo], *,
            min_sample: int = DEFAULT_MIN_SAMPLE) -> Analysis:
    """Form and item figures for a set of attempts at one test.

    Each item version is analysed over the attempts that were shown it and reached it. Thirds are
    formed among those attempts by their overall percent."""
    by_version: dict[int, list[tuple[AttemptData, Answer]]] = {}
    for attempt in attempts:
        for answer in attempt.answers:
            by_version.setdefault(answer.version_id, []).append((attempt, answer))
    counted = counted_attempts(attempts)
    deleted = fixed_form_alpha_if_deleted(attempts, counted)
    out = []
    for version_id, rows in by_version.items():
        info = items.get(version_id)
        if info is None:
            continue
        stats = _item(info, rows, min_sample)
        stats.alpha_if_deleted = deleted.get(version_id)
        out.append(stats)
    out.sort(key=lambda s: (s.item.key, s.item.number))
    return Analysis(form=form_stats(attempts, counted), items=out, min_sample=min_sample)


def _rest(attempt: AttemptData, answer: Answer) -> float:
    return (attempt.total - answer.score) / (attempt.max_score - 1) if attempt.max_score > 1 else 0.0


def _item(info: ItemInfo, shown: list[tuple[AttemptData, Answer]], min_sample: int) -> ItemStats:
    rows = [(a, answer) for a, answer in shown if answer.reached]
    xs = [answer.score for _a, answer in rows]
    rest = [_rest(a, answer) for a, answer in rows]
    top, bottom = thirds([(a.proportion, a.attempt_id) for a, _answer in rows])
    n = len(rows)
    r = discrimination_index(xs, rest)
    stats = ItemStats(
        item=info,
        n=n,
        facility=facility(xs),
        sd=sd(xs),
        discrimination=r,
        efficiency=discriminative_efficiency(xs, rest),
        facility_interval=intervals.wilson(facility(xs), n, INTERVAL_LEVEL),
        discrimination_interval=intervals.fisher_z(r, n, INTERVAL_LEVEL),
        unanswered=sum(1 for _a, answer in rows if answer.chosen is None),
        group_size=len(top),
        flagged_when_n_at_least=min_sample,
        not_reached=len(shown) - n,
    )
    stats.options = _options(info, rows, rest, top, bottom)
    stats.flags = item_flags(stats, min_sample)
    return stats


def _options(info: ItemInfo, rows: list[tuple[AttemptData, Answer]], rest: list[float],
             top: list[int], bottom: list[int]) -> list[OptionStats]:
    """How often each option was chosen, overall and by the top and bottom thirds, its
    point-biserial with the rest of the test, and for a distractor the key-error test. For an
    ordering item, "chosen" means put in its correct position."""

    def picked(answer: Answer) -> set[int]:
        if answer.chosen is None:
            return set()
        if info.type == "ordering":
            return {option for place, option in enumerate(answer.chosen) if option == place}
        return set(answer.chosen)

    chosen_sets = [picked(answer) for _a, answer in rows]
    top_set, bottom_set = set(top), set(bottom)
    correct = set(info.correct)
    size = len(top)
    out = []
    for index, text in enumerate(info.options):
        took = [1.0 if index in s else 0.0 for s in chosen_sets]
        in_top = sum(1 for i in top_set if took[i])
        in_bottom = sum(1 for i in bottom_set if took[i])
        testable = index not in correct and size >= KEY_ERROR_MIN_GROUP and in_top > in_bottom
        out.append(OptionStats(
            index=index,
            text=text,
            correct=index in correct,
            chosen=int(sum(took)),
            top=in_top,
            bottom=in_bottom,
            point_biserial=correlation(took, rest),
            key_error_p=intervals.more_in_first(in_top, size, in_bottom, size) if testable else None,
        ))
    return out


# -- CSV ------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @ or a
    tab or carriage return gets a leading apostrophe (OWASP's advice). Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
