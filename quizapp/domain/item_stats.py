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

Tests drawn at random give each candidate different questions, so (as Moodle does for random
questions) the form figures treat each question *position* as one part of the test, and the
item figures use only the attempts that were shown the item. The rest of the test is taken as a
proportion of its maximum, (T - x) / (k - 1): with forms of one length this is Moodle's X
divided by a constant, so every correlation is exactly Moodle's, and it stays comparable when
scenario draws make forms of different lengths.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_MIN_SAMPLE = 30
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 8
INTERVAL_LEVEL = 0.90

EASY_ABOVE = 0.9
HARD_BELOW = 0.2
WEAK_DISCRIMINATION_BELOW = 0.2
KEY_ERROR_MARGIN = 0.1
"""A distractor is flagged as a possible key error when the top third chose it more often than
the bottom third by at least this share of a third (and at least one candidate), so that one
candidate's stray choice is not a flag."""


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


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a response matrix (one row per attempt, one column per question
    position, every row the same length): k / (k - 1) * (1 - sum of column variances / variance
    of the row totals). For 0/1 scores this is KR-20, since a 0/1 column's variance is p(1 - p)
    (times n / (n - 1), which cancels with the total's). None when it is undefined (fewer than
    two rows or columns, or totals that do not vary)."""
    if len(matrix) < 2:
        return None
    k = len(matrix[0])
    if k < 2 or any(len(row) != k for row in matrix):
        return None
    totals = [sum(row) for row in matrix]
    total_variance = variance(totals)
    if not total_variance:
        return None
    parts = sum(variance([row[j] for row in matrix]) or 0.0 for j in range(k))
    return k / (k - 1) * (1 - parts / total_variance)


def standard_error_of_measurement(sd_value: float | None, alpha: float | None) -> float | None:
    """SD x sqrt(1 - alpha); None when alpha is unknown (or above 1, which cannot happen)."""
    if sd_value is None or alpha is None or alpha > 1:
        return None
    return sd_value * math.sqrt(1 - alpha)


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


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-quantile (0 to 1) of already sorted values, interpolating linearly between ranks."""
    if not sorted_values:
        raise ValueError("no values")
    position = p * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def bootstrap_intervals(statistic: Callable[[list[int]], Sequence[float | None]], n: int, *,
                        resamples: int = DEFAULT_RESAMPLES, seed: int | str = DEFAULT_SEED,
                        level: float = INTERVAL_LEVEL) -> list[tuple[float, float] | None]:
    """Percentile bootstrap intervals for several statistics computed on the same resamples.

    Draw `resamples` samples of the n members with replacement (as lists of member positions),
    compute `statistic` on each (a tuple, one value per statistic), and return for each statistic
    the central `level` share of its values. A resample where a statistic is undefined is
    skipped for that statistic; an interval is None when fewer than half the resamples define
    it. Empty when n < 2 (nothing to resample). Seeded, so the same data give the same intervals."""
    if n < 2:
        return []
    rng = random.Random(seed)
    members = range(n)
    columns: list[list[float]] = []
    for _ in range(resamples):
        values = statistic(rng.choices(members, k=n))
        if not columns:
            columns = [[] for _ in values]
        for column, value in zip(columns, values, strict=True):
            if value is not None:
                column.append(value)
    tail = (1 - level) / 2
    out: list[tuple[float, float] | None] = []
    for column in columns:
        if len(column) < resamples / 2:
            out.append(None)
            continue
        column.sort()
        out.append((percentile(column, tail), percentile(column, 1 - tail)))
    return out


def bootstrap_interval(statistic: Callable[[list[int]], float | None], n: int, *, resamples: int = DEFAULT_RESAMPLES,
                       seed: int | str = DEFAULT_SEED, level: float = INTERVAL_LEVEL) -> tuple[float, float] | None:
    """A percentile bootstrap interval for one statistic (see bootstrap_intervals)."""
    if n < 2:
        return None
    return bootstrap_intervals(lambda sample: (statistic(sample),), n, resamples=resamples, seed=seed, level=level)[0]


def facility_and_correlation(xs: Sequence[float], ys: Sequence[float]) -> Callable[[list[int]], tuple[float, float | None]]:
    """The facility of xs and Pearson's r of xs and ys on a resample (a list of positions), from
    running sums: fast enough for a thousand resamples of every item on a page."""
    xx = [a * a for a in xs]
    yy = [b * b for b in ys]
    xy = [a * b for a, b in zip(xs, ys, strict=True)]

    def statistic(sample: list[int]) -> tuple[float, float | None]:
        n = len(sample)
        sx = sum(map(xs.__getitem__, sample))
        sy = sum(map(ys.__getitem__, sample))
        vx = sum(map(xx.__getitem__, sample)) - sx * sx / n
        vy = sum(map(yy.__getitem__, sample)) - sy * sy / n
        if vx <= 1e-12 or vy <= 1e-12:
            return sx / n, None
        return sx / n, (sum(map(xy.__getitem__, sample)) - sx * sy / n) / math.sqrt(vx * vy)

    return statistic


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

    def share(self, count: int, of: int) -> float | None:
        return count / of if of else None


@dataclass
class ItemStats:
    item: ItemInfo
    n: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    facility_interval: tuple[float, float] | None
    discrimination_interval: tuple[float, float] | None
    unanswered: int
    group_size: int  # members of each of the top and bottom thirds
    options: list[OptionStats] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    flagged_when_n_at_least: int = DEFAULT_MIN_SAMPLE

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
    alpha_attempts: int  # the attempts alpha was computed on (those with the usual number of questions)
    questions: int  # k: questions per form (the most common number)
    sem_percent: float | None  # in percentage points

    @property
    def sem_marks(self) -> float | None:
        return self.sem_percent * self.questions / 100 if self.sem_percent is not None else None


@dataclass
class Analysis:
    form: FormStats
    items: list[ItemStats]
    min_sample: int


def form_stats(attempts: Sequence[AttemptData]) -> FormStats:
    """Mean, median and SD of the percents, and alpha and the SEM over question positions."""
    percents = [100 * a.proportion for a in attempts]
    lengths: dict[int, int] = {}
    for a in attempts:
        lengths[len(a.answers)] = lengths.get(len(a.answers), 0) + 1
    k = max(lengths, key=lambda length: (lengths[length], length)) if lengths else 0
    usual = [a for a in attempts if len(a.answers) == k]
    matrix = [[answer.score for answer in sorted(a.answers, key=lambda x: x.position)] for a in usual]
    alpha = cronbach_alpha(matrix)
    spread = sd(percents)
    return FormStats(
        attempts=len(attempts),
        mean_percent=mean(percents),
        median_percent=median(percents),
        sd_percent=spread,
        alpha=alpha,
        alpha_attempts=len(usual) if alpha is not None else 0,
        questions=k,
        sem_percent=standard_error_of_measurement(spread, alpha),
    )


def item_flags(stats: ItemStats, min_sample: int) -> list[Flag]:
    """The warnings for one item; none below the minimum sample."""
    if stats.n < min_sample:
        return []
    flags = []
    if stats.facility is not None and stats.facility > EASY_ABOVE:
        flags.append(Flag("easy", f"Too easy: facility {stats.facility:.2f} is above {EASY_ABOVE}"))
    if stats.facility is not None and stats.facility < HARD_BELOW:
        flags.append(Flag("hard", f"Too hard: facility {stats.facility:.2f} is below {HARD_BELOW}"))
    if stats.discrimination is not None and stats.discrimination < WEAK_DISCRIMINATION_BELOW:
        kind = "Negative" if stats.discrimination < 0 else "Weak"
        flags.append(Flag("discrimination", f"{kind} discrimination: {stats.discrimination:.2f} is below {WEAK_DISCRIMINATION_BELOW}"))
    if stats.item.type in ("single", "multiple"):
        for option in stats.options:
            if option.correct:
                continue
            label = _short(option.text)
            if option.chosen == 0:
                flags.append(Flag("unused-distractor", f"Nobody chose the distractor \u201c{label}\u201d"))
            elif stats.group_size and option.top - option.bottom >= key_error_margin(stats.group_size):
                flags.append(Flag(
                    "key-error",
                    f"Possible key error: the distractor \u201c{label}\u201d was chosen by more of the top third "
                    f"({option.top} of {stats.group_size}) than of the bottom third ({option.bottom} of {stats.group_size})",
                ))
    return flags


def key_error_margin(group_size: int) -> int:
    return max(1, math.ceil(KEY_ERROR_MARGIN * group_size))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def analyse(attempts: Sequence[AttemptData], items: Mapping[int, ItemInfo], *, min_sample: int = DEFAULT_MIN_SAMPLE,
            resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Analysis:
    """Form and item figures for a set of attempts at one test.

    Each item version is analysed over the attempts that were shown it. Thirds are formed among
    those attempts by their overall percent. Bootstrap intervals resample those attempts, with a
    seed derived from `seed` and the item version, so figures do not depend on the order of items."""
    by_version: dict[int, list[tuple[AttemptData, Answer]]] = {}
    for attempt in attempts:
        for answer in attempt.answers:
            by_version.setdefault(answer.version_id, []).append((attempt, answer))
    out = []
    for version_id, rows in by_version.items():
        info = items.get(version_id)
        if info is None:
            continue
        out.append(_item(info, rows, min_sample, resamples, seed))
    out.sort(key=lambda s: (s.item.key, s.item.number))
    return Analysis(form=form_stats(attempts), items=out, min_sample=min_sample)


def _item(info: ItemInfo, rows: list[tuple[AttemptData, Answer]], min_sample: int, resamples: int, seed: int) -> ItemStats:
    xs = [answer.score for _a, answer in rows]
    rest = [(a.total - answer.score) / (a.max_score - 1) if a.max_score > 1 else 0.0 for a, answer in rows]
    top, bottom = thirds([(a.proportion, a.attempt_id) for a, _answer in rows])
    n = len(rows)
    facility_interval, discrimination_interval = bootstrap_intervals(
        facility_and_correlation(xs, rest), n, resamples=resamples, seed=f"{seed}:{info.version_id}") or [None, None]
    stats = ItemStats(
        item=info,
        n=n,
        facility=facility(xs),
        sd=sd(xs),
        discrimination=discrimination_index(xs, rest),
        efficiency=discriminative_efficiency(xs, rest),
        facility_interval=facility_interval,
        discrimination_interval=discrimination_interval,
        unanswered=sum(1 for _a, answer in rows if answer.chosen is None),
        group_size=len(top),
        flagged_when_n_at_least=min_sample,
    )
    stats.options = _options(info, rows, top, bottom)
    stats.flags = item_flags(stats, min_sample)
    return stats


def _options(info: ItemInfo, rows: list[tuple[AttemptData, Answer]], top: list[int], bottom: list[int]) -> list[OptionStats]:
    """How often each option was chosen, overall and by the top and bottom thirds. For an
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
    out = []
    for index, text in enumerate(info.options):
        out.append(OptionStats(
            index=index,
            text=text,
            correct=index in correct,
            chosen=sum(1 for s in chosen_sets if index in s),
            top=sum(1 for i, s in enumerate(chosen_sets) if i in top_set and index in s),
            bottom=sum(1 for i, s in enumerate(chosen_sets) if i in bottom_set and index in s),
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
