"""The item analysis formulas, checked against values worked out by hand on a small matrix.

The matrix: six attempts at a four-question form, every question scored 0 or 1, each item
at the same position in every attempt.

    attempt   I1 I2 I3 I4   total   percent
    1          1  1  1  1     4      100
    2          1  1  1  0     3       75
    3          1  1  0  0     2       50
    4          1  0  1  0     2       50
    5          0  1  0  0     1       25
    6          0  0  0  0     0        0

Form (S = 6, k = 4):
    mean total = 12 / 6 = 2; deviations 2, 1, 0, 0, -1, -2; V(T) = (4+1+0+0+1+4) / 5 = 2
    percents are 25 x totals: mean 50, median (50 + 50) / 2 = 50, SD = 25 sqrt(2) = 35.3553
    item variances (divide by S - 1): I1 p = 4/6: (4 (1/3)^2 + 2 (2/3)^2) / 5 = (12/9) / 5 = 4/15
                                       I2 p = 4/6 (the same scores rearranged): 4/15
                                       I3 p = 3/6: 6 (1/2)^2 / 5 = 3/10
                                       I4 p = 1/6: ((5/6)^2 + 5 (1/6)^2) / 5 = (30/36) / 5 = 1/6
    sum = 8/15 + 3/10 + 1/6 = 16/30 + 9/30 + 5/30 = 1
    alpha = 4/3 x (1 - 1/2) = 2/3
    KR-20 with population variances: sum pq = 2/9 + 2/9 + 1/4 + 5/36 = 30/36; V_pop(T) = 10/6;
          4/3 x (1 - (30/36) / (10/6)) = 4/3 x 1/2 = 2/3, the same
    SEM = 35.3553 x sqrt(1 - 2/3) = 20.4124 percentage points = 0.8165 marks of 4 (= sqrt(2/3))

I1: x = 1 1 1 1 0 0, rest X = T - x = 3 2 1 1 1 0
    facility = 4/6 = 0.6667; SD = sqrt(4/15) = 0.5164
    mean X = 8/6; deviations of X: 5/3, 2/3, -1/3, -1/3, -1/3, -4/3; of x: 1/3 (x4), -2/3 (x2)
    V(X) = (25+4+1+1+1+16)/9 / 5 = 16/15
    C(x, X) = (5/9 + 2/9 - 1/9 - 1/9 + 2/9 + 8/9) / 5 = (15/9) / 5 = 1/3
    r = (1/3) / sqrt(4/15 x 16/15) = (1/3) / (8/15) = 0.625
    sorted x 0 0 1 1 1 1 against sorted X 0 1 1 1 2 3: the same pairs' order as the data, so
    Cmax = 1/3 and the efficiency is 1

I2: x = 1 1 1 0 1 0, rest X = 3 2 1 2 0 0
    deviations of x: 1/3, 1/3, 1/3, -2/3, 1/3, -2/3; of X (mean 4/3): 5/3, 2/3, -1/3, 2/3, -4/3, -4/3
    V(X) = (25+4+1+4+16+16)/9 / 5 = 22/15
    C = (5/9 + 2/9 - 1/9 - 4/9 - 4/9 + 8/9) / 5 = (6/9) / 5 = 2/15
    r = (2/15) / sqrt(4/15 x 22/15) = 2 / sqrt(88) = 0.2132
    sorted X 0 0 1 2 2 3 (deviations -4/3, -4/3, -1/3, 2/3, 2/3, 5/3) against sorted x:
    Cmax = (8/9 + 8/9 - 1/9 + 2/9 + 2/9 + 5/9) / 5 = (24/9) / 5 = 8/15
    efficiency = (2/15) / (8/15) = 0.25

I4: x = 1 0 0 0 0 0, rest X = 3 3 2 2 1 0
    facility = 1/6 = 0.1667 (too hard); deviations of x: 5/6, -1/6 (x5); of X (mean 11/6):
    7/6, 7/6, 1/6, 1/6, -5/6, -11/6
    C = (35/36 + (-1/6)(7/6 + 1/6 + 1/6 - 5/6 - 11/6)) / 5 = (35/36 + 7/36) / 5 = 7/30
    V(X) = (49+49+1+1+25+121)/36 / 5 = 41/30; r = (7/30) / sqrt(1/6 x 41/30) = 0.4889

Thirds (n = 6, two each): ranked by percent, ties by attempt id: top = attempts 1, 2;
bottom = attempts 5, 6.

Options (single-choice items of four options, A to D):
    I1, key option 0: options 1 and 2 by one bottom-third attempt each; option 3 by nobody.
    I2, key option 0: chosen by attempts 1, 2, 3, 5 (4: top 2, bottom 1); option 1 by attempt 6
    (bottom 1); option 2 by attempt 4; option 3 by nobody -> "nobody chose" flag.
    I4, key option 1 (attempt 1 only); option 0 by attempts 2 and 3 (top 1: attempt 2; bottom 0)
    -> chosen by more of the top third than the bottom: "possible key error"; option 2 by
    attempts 4 and 5 (bottom 1); option 3 by attempt 6 (bottom 1).
"""

from __future__ import annotations

import math

import pytest

from quizapp.domain import item_stats as st

SCORES = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 0, 1, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 0],
]
TOTALS = [sum(row) for row in SCORES]
CHOICES = {  # item -> the option each attempt chose
    1: [0, 0, 0, 0, 1, 2],
    2: [0, 0, 0, 2, 0, 1],
    3: [0, 0, 1, 0, 1, 1],
    4: [1, 0, 0, 2, 2, 3],
}
KEYS = {1: 0, 2: 0, 3: 0, 4: 1}


def column(j: int) -> list[float]:
    return [row[j] for row in SCORES]


def rest(j: int) -> list[float]:
    return [total - row[j] for total, row in zip(TOTALS, SCORES, strict=True)]


def matrix_attempts() -> tuple[list[st.AttemptData], dict[int, st.ItemInfo]]:
    items = {
        v: st.ItemInfo(version_id=v, key=f"I{v}", number=1, type="single",
                       options=("A", "B", "C", "D"), correct=(KEYS[v],))
        for v in (1, 2, 3, 4)
    }
    attempts = [
        st.AttemptData(
            attempt_id=s + 1,
            answers=tuple(st.Answer(version_id=v, position=v, score=float(SCORES[s][v - 1]),
                                    chosen=(CHOICES[v][s],)) for v in (1, 2, 3, 4)),
        )
        for s in range(6)
    ]
    return attempts, items


def test_the_matrix_is_consistent_with_its_choices():
    for v, choices in CHOICES.items():
        assert [float(c == KEYS[v]) for c in choices] == column(v - 1)


# -- the elementary formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(("j", "expected"), [(0, 4 / 6), (1, 4 / 6), (2, 3 / 6), (3, 1 / 6)])
def test_facility(j, expected):
    assert st.facility(column(j)) == pytest.approx(expected)


def test_facility_of_partial_scores_is_the_mean_over_the_maximum():
    assert st.facility([1, 0.5, 0]) == pytest.approx(0.5)
    assert st.facility([2, 1], max_score=4) == pytest.approx(0.375)
    assert st.facility([]) is None


@pytest.mark.parametrize(("j", "expected"), [(0, math.sqrt(4 / 15)), (2, math.sqrt(3 / 10)), (3, math.sqrt(1 / 6))])
def test_item_sd_divides_by_n_minus_1(j, expected):
    assert st.sd(column(j)) == pytest.approx(expected)


@pytest.mark.parametrize(("j", "expected"), [(0, 0.625), (1, 2 / math.sqrt(88)), (3, (7 / 30) / math.sqrt(1 / 6 * 41 / 30))])
def test_discrimination_index_is_the_correlation_with_the_rest(j, expected):
    assert st.discrimination_index(column(j), rest(j)) == pytest.approx(expected)


def test_discrimination_is_undefined_when_nobody_or_everybody_is_right():
    assert st.discrimination_index([1, 1, 1], [0, 1, 2]) is None
    assert st.discriminative_efficiency([0, 0, 0], [0, 1, 2]) is None


@pytest.mark.parametrize(("j", "cmax", "efficiency"), [(0, 1 / 3, 1.0), (1, 8 / 15, 0.25)])
def test_discriminative_efficiency_uses_the_covariance_of_the_sorted_lists(j, cmax, efficiency):
    assert st.max_covariance(column(j), rest(j)) == pytest.approx(cmax)
    assert st.discriminative_efficiency(column(j), rest(j)) == pytest.approx(efficiency)


def test_correlations_do_not_change_when_the_rest_is_a_proportion():
    """The analysis uses (T - x) / (k - 1); with one form length that is X / 3 here."""
    for j in range(4):
        scaled = [value / 3 for value in rest(j)]
        assert st.discrimination_index(column(j), scaled) == pytest.approx(st.discrimination_index(column(j), rest(j)))
        assert st.discriminative_efficiency(column(j), scaled) == pytest.approx(st.discriminative_efficiency(column(j), rest(j)))


def test_cronbach_alpha_and_kr20():
    assert st.cronbach_alpha(SCORES) == pytest.approx(2 / 3)
    # KR-20 by its own formula, with population variances: the same value.
    n, k = len(SCORES), 4
    pq = sum((sum(column(j)) / n) * (1 - sum(column(j)) / n) for j in range(k))
    mean_total = sum(TOTALS) / n
    population_variance = sum((t - mean_total) ** 2 for t in TOTALS) / n
    assert k / (k - 1) * (1 - pq / population_variance) == pytest.approx(2 / 3)


def test_alpha_is_undefined_for_too_little_data():
    assert st.cronbach_alpha([[1, 0]]) is None  # one attempt
    assert st.cronbach_alpha([[1], [0]]) is None  # one question
    assert st.cronbach_alpha([[1, 1], [1, 1]]) is None  # totals do not vary
    assert st.cronbach_alpha([[1, 0], [1]]) is None  # ragged


def test_standard_error_of_measurement():
    assert st.standard_error_of_measurement(25 * math.sqrt(2), 2 / 3) == pytest.approx(20.4124, abs=1e-4)
    assert st.standard_error_of_measurement(10.0, None) is None


def test_mean_median_sd():
    percents = [25.0 * t for t in TOTALS]
    assert st.mean(percents) == 50
    assert st.median(percents) == 50
    assert st.median([3, 1, 2]) == 2
    assert st.sd(percents) == pytest.approx(25 * math.sqrt(2))
    assert st.mean([]) is None and st.median([]) is None and st.sd([1]) is None


def test_thirds_break_ties_by_attempt_id():
    ranking = [(t / 4, s + 1) for s, t in enumerate(TOTALS)]
    top, bottom = st.thirds(ranking)
    assert top == [0, 1] and bottom == [4, 5]
    # Ties: equal scores, the earlier attempt ranks higher.
    assert st.thirds([(0.5, 3), (0.5, 1), (0.5, 2)]) == ([1], [0])
    assert st.thirds([(1.0, 1), (0.0, 2)]) == ([], [])


# -- the analysis of the matrix ------------------------------------------------------------------


def test_form_figures():
    attempts, _items = matrix_attempts()
    form = st.form_stats(attempts)
    assert form.attempts == 6 and form.questions == 4 and form.alpha_attempts == 6
    assert form.mean_percent == pytest.approx(50)
    assert form.median_percent == pytest.approx(50)
    assert form.sd_percent == pytest.approx(25 * math.sqrt(2))
    assert form.alpha == pytest.approx(2 / 3)
    assert form.sem_percent == pytest.approx(25 * math.sqrt(2) * math.sqrt(1 / 3))
    assert form.sem_marks == pytest.approx(math.sqrt(2 / 3))


def test_alpha_is_over_question_positions_of_the_usual_length():
    attempts, _items = matrix_attempts()
    short = st.AttemptData(99, attempts[0].answers[:3])
    form = st.form_stats([*attempts, short])
    assert form.attempts == 7 and form.questions == 4 and form.alpha_attempts == 6
    assert form.alpha == pytest.approx(2 / 3)


def test_item_figures_from_the_analysis():
    attempts, items = matrix_attempts()
    analysis = st.analyse(attempts, items, min_sample=6)
    by_key = {s.item.key: s for s in analysis.items}
    i1, i2, i4 = by_key["I1"], by_key["I2"], by_key["I4"]
    assert i1.n == 6 and i1.group_size == 2 and i1.unanswered == 0
    assert i1.facility == pytest.approx(4 / 6)
    assert i1.sd == pytest.approx(math.sqrt(4 / 15))
    assert i1.discrimination == pytest.approx(0.625)
    assert i1.efficiency == pytest.approx(1.0)
    assert i2.discrimination == pytest.approx(2 / math.sqrt(88))
    assert i2.efficiency == pytest.approx(0.25)
    assert i4.facility == pytest.approx(1 / 6)


def test_option_counts_overall_and_by_third():
    attempts, items = matrix_attempts()
    by_key = {s.item.key: s for s in st.analyse(attempts, items, min_sample=6).items}
    counts = [(o.chosen, o.top, o.bottom, o.correct) for o in by_key["I2"].options]
    assert counts == [(4, 2, 1, True), (1, 0, 1, False), (1, 0, 0, False), (0, 0, 0, False)]
    counts = [(o.chosen, o.top, o.bottom, o.correct) for o in by_key["I4"].options]
    assert counts == [(2, 1, 0, False), (1, 1, 0, True), (2, 0, 1, False), (1, 0, 1, False)]


def test_flags():
    attempts, items = matrix_attempts()
    by_key = {s.item.key: s for s in st.analyse(attempts, items, min_sample=6).items}
    assert [f.code for f in by_key["I1"].flags] == ["unused-distractor"]  # option D: nobody
    assert [f.code for f in by_key["I2"].flags] == ["unused-distractor"]
    assert "\u201cD\u201d" in by_key["I2"].flags[0].message
    # I4's option A: 1 of the top third against 0 of the bottom, in thirds of 2: no key-error flag
    # (too few candidates for the test, and one candidate's choice is not evidence).
    assert [f.code for f in by_key["I4"].flags] == ["hard"]
    assert by_key["I4"].options[0].key_error_p is None


def test_no_flags_below_the_minimum_sample():
    attempts, items = matrix_attempts()
    analysis = st.analyse(attempts, items)  # default minimum 30
    assert analysis.min_sample == st.DEFAULT_MIN_SAMPLE
    assert all(s.flags == [] and s.sample_too_small for s in analysis.items)


@pytest.mark.parametrize(
    ("facility", "discrimination", "codes"),
    [(0.95, 0.5, ["easy"]), (0.1, 0.5, ["hard"]), (0.5, 0.1, ["discrimination"]), (0.5, -0.3, ["discrimination"]),
     (0.5, 0.2, []), (0.9, None, [])],
)
def test_flag_thresholds(facility, discrimination, codes):
    info = st.ItemInfo(1, "x", 1, "ordering", ("a", "b", "c"), (0, 1, 2))
    stats = st.ItemStats(info, 40, facility, 0.1, discrimination, None, None, None, 0, 13)
    flags = st.item_flags(stats, 30)
    assert [f.code for f in flags] == codes
    if discrimination is not None and discrimination < 0:
        assert flags[0].message.startswith("Negative")


def test_an_item_is_analysed_over_the_attempts_that_saw_it():
    items = {v: st.ItemInfo(v, f"I{v}", 1, "single", ("A", "B"), (0,)) for v in (1, 2, 3)}
    attempts = [
        st.AttemptData(1, (st.Answer(1, 1, 1.0, (0,)), st.Answer(2, 2, 0.0, (1,)))),
        st.AttemptData(2, (st.Answer(1, 1, 0.0, (1,)), st.Answer(3, 2, 1.0, (0,)))),
        st.AttemptData(3, (st.Answer(3, 1, 1.0, (0,)), st.Answer(2, 2, 0.0, None))),
    ]
    by_key = {s.item.key: s for s in st.analyse(attempts, items).items}
    assert (by_key["I1"].n, by_key["I2"].n, by_key["I3"].n) == (2, 2, 2)
    assert by_key["I2"].unanswered == 1
    assert by_key["I3"].facility == 1.0


def test_ordering_options_count_correct_positions():
    info = st.ItemInfo(1, "O", 1, "ordering", ("a", "b", "c"), (0, 1, 2))
    attempts = [st.AttemptData(1, (st.Answer(1, 1, 0.0, (0, 2, 1)),)), st.AttemptData(2, (st.Answer(1, 1, 1.0, (0, 1, 2)),))]
    stats = st.analyse(attempts, {1: info}).items[0]
    assert [o.chosen for o in stats.options] == [2, 1, 1]


# -- CSV -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (-0.25, -0.25), (3, 3), (None, None)],
)
def test_safe_cell(value, expected):
    assert st.safe_cell(value) == expected


# -- issue 19: sharper flags, not reached, intervals near 0 and 1, alpha without each item -----------


def test_a_flag_prints_enough_digits_and_the_right_threshold():
    """Found when the formulas were checked: "Weak discrimination: 0.20 is below 0.2" for 0.1976,
    and the negative flag quoted the 0.2 cut-off where its cut-off is 0."""
    info = st.ItemInfo(1, "x", 1, "ordering", ("a", "b", "c"), (0, 1, 2))
    weak = st.item_flags(st.ItemStats(info, 40, 0.5, 0.1, 0.1976, None, None, None, 0, 13), 30)
    assert weak[0].message == "Weak discrimination: 0.198 is below 0.2"
    negative = st.item_flags(st.ItemStats(info, 40, 0.5, 0.1, -0.004, None, None, None, 0, 13), 30)
    assert negative[0].message.startswith("Negative discrimination: -0.004 is below 0 ")
    easy = st.item_flags(st.ItemStats(info, 40, 0.9004, 0.1, 0.5, None, None, None, 0, 13), 30)
    assert easy[0].message == "Too easy: facility 0.9004 is above 0.9"
    assert st.figure(0.35, 0.2) == "0.35" and st.figure(0.1999, 0.2) == "0.1999"


def _key_error_cohort(size: int, top: int, bottom: int) -> list[st.AttemptData]:
    """3 x size attempts at two items; on item 1 (key A) `top` of the top third and `bottom` of
    the bottom third chose distractor B. Item 2 sets the thirds: right in the top third only."""
    attempts = []
    for n in range(3 * size):
        third = n // size  # 0 top, 1 middle, 2 bottom
        chose_b = (third == 0 and n < top) or (third == 2 and n - 2 * size < bottom)
        first = st.Answer(1, 1, 0.0 if chose_b else 1.0, (1,) if chose_b else (0,))
        second = st.Answer(2, 2, 1.0 if third == 0 else 0.0, (0,) if third == 0 else (1,))
        attempts.append(st.AttemptData(n + 1, (first, second)))
    return attempts


ITEMS = {v: st.ItemInfo(v, f"I{v}", 1, "single", ("A", "B", "C"), (0,)) for v in (1, 2)}


@pytest.mark.parametrize(("size", "top", "bottom", "flagged"), [
    (10, 1, 0, False),  # one stray strong candidate: never a flag
    (10, 3, 1, False),  # p = 0.29
    (10, 6, 0, True),   # p = 0.005
    (9, 9, 0, False),   # thirds of 9: too few candidates to test
    (20, 8, 2, True),   # p = 0.04
])
def test_a_key_error_needs_thirds_of_10_and_fishers_exact_test(size, top, bottom, flagged):
    by_key = {s.item.key: s for s in st.analyse(_key_error_cohort(size, top, bottom), ITEMS, min_sample=10).items}
    option = by_key["I1"].options[1]
    assert (option.top, option.bottom, by_key["I1"].group_size) == (top, bottom, size)
    assert ("key-error" in [f.code for f in by_key["I1"].flags]) is flagged
    if flagged:
        assert "Fisher's exact test p = " in next(f.message for f in by_key["I1"].flags if f.code == "key-error")


def test_fishers_exact_test_by_hand():
    from quizapp.domain import intervals

    assert intervals.more_in_first(1, 2, 0, 2) == pytest.approx(0.5)  # C(2,1) C(2,0) / C(4,1)
    assert intervals.more_in_first(3, 3, 0, 3) == pytest.approx(1 / 20)  # C(3,3) C(3,0) / C(6,3)
    assert intervals.more_in_first(0, 3, 0, 3) == 1.0


def test_not_reached_is_the_unanswered_tail_of_an_expired_attempt():
    answers = [st.Answer(v, v, 1.0 if v in (1, 2, 4) else 0.0, (0,) if v in (1, 2, 4) else None) for v in range(1, 7)]
    marked = st.not_reached(answers, expired=True)
    assert [a.reached for a in marked] == [True, True, True, True, False, False]  # 3 skipped; 5, 6 not reached
    assert all(a.reached for a in st.not_reached(answers, expired=False))  # a submitted attempt reached them all


def test_not_reached_questions_leave_the_items_figures_and_alpha():
    attempts, items = matrix_attempts()
    # A seventh attempt ran out of time after question 2: questions 3 and 4 never reached.
    late = st.AttemptData(7, st.not_reached([st.Answer(1, 1, 1.0, (0,)), st.Answer(2, 2, 1.0, (0,)),
                                             st.Answer(3, 3, 0.0, None), st.Answer(4, 4, 0.0, None)], expired=True))
    analysis = st.analyse([*attempts, late], items, min_sample=6)
    by_key = {s.item.key: s for s in analysis.items}
    assert (by_key["I3"].n, by_key["I3"].not_reached, by_key["I3"].unanswered) == (6, 1, 0)
    assert by_key["I3"].facility == pytest.approx(3 / 6)  # as without the late attempt, not 3 / 7
    assert (by_key["I1"].n, by_key["I1"].not_reached) == (7, 0)
    assert analysis.form.alpha == pytest.approx(2 / 3) and analysis.form.alpha_attempts == 6
    assert analysis.form.not_reached_attempts == 1


def test_intervals_behave_near_0_and_1():
    from quizapp.domain import intervals

    low, high = intervals.wilson(0.0, 10, 0.95)
    assert low == pytest.approx(0, abs=1e-12) and high == pytest.approx(3.8415 / 13.8415, abs=1e-4)  # z^2 / (n + z^2), not zero width
    low, high = intervals.wilson(0.5, 10, 0.95)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    low, high = intervals.fisher_z(0.5, 28, 0.95)  # tanh(atanh(0.5) -/+ 1.96 / 5)
    assert (low, high) == (pytest.approx(0.1560, abs=1e-3), pytest.approx(0.7360, abs=1e-3))
    low, high = intervals.fisher_z(0.95, 30, 0.90)
    assert high < 1 and high - 0.95 < 0.95 - low  # lopsided near 1, as r is
    assert intervals.fisher_z(0.3, 3, 0.9) is None and intervals.wilson(None, 5, 0.9) is None
    attempts, items = matrix_attempts()
    for s in st.analyse(attempts, items, min_sample=6).items:
        low, high = s.facility_interval
        assert 0 <= low <= s.facility <= high <= 1


def test_feldts_interval_for_alpha():
    from quizapp.domain import intervals

    low, high = intervals.feldt(0.8, 101, 10, 0.95)
    assert low < 0.8 < high < 1
    wider = intervals.feldt(0.8, 31, 10, 0.95)
    assert wider[0] < low and wider[1] > high  # fewer candidates, a wider interval
    assert intervals.feldt(None, 100, 10, 0.9) is None and intervals.feldt(0.7, 2, 10, 0.9) is None
    attempts, _items = matrix_attempts()
    form = st.form_stats(attempts)
    assert form.alpha_interval[0] < form.alpha < form.alpha_interval[1]


def test_alpha_without_each_item_on_a_fixed_form_only():
    attempts, items = matrix_attempts()
    by_key = {s.item.key: s for s in st.analyse(attempts, items, min_sample=6).items}
    for j, key in enumerate(("I1", "I2", "I3", "I4")):
        without = [row[:j] + row[j + 1:] for row in SCORES]
        assert by_key[key].alpha_if_deleted == pytest.approx(st.cronbach_alpha(without))
    # A drawn test: position 1 holds different items in different attempts.
    drawn = [st.AttemptData(1, (st.Answer(1, 1, 1.0, (0,)), st.Answer(2, 2, 0.0, (1,)), st.Answer(3, 3, 1.0, (0,)))),
             st.AttemptData(2, (st.Answer(4, 1, 0.0, (1,)), st.Answer(2, 2, 1.0, (0,)), st.Answer(3, 3, 1.0, (0,))))]
    assert st.fixed_form_alpha_if_deleted(drawn) == {}


def test_each_options_point_biserial_with_the_rest_of_the_test():
    attempts, items = matrix_attempts()
    i2 = next(s for s in st.analyse(attempts, items, min_sample=6).items if s.item.key == "I2")
    rest_of_i2 = [value / 3 for value in rest(1)]
    for option in i2.options:
        took = [1.0 if CHOICES[2][a] == option.index else 0.0 for a in range(6)]
        assert option.point_biserial == (pytest.approx(st.correlation(took, rest_of_i2))
                                         if option.chosen else None)
    assert i2.options[0].point_biserial > 0 > i2.options[1].point_biserial  # the key, a working distractor
