"""Lint a validated bank set: warnings about question quality that validation cannot judge.

``quizapp validate`` says whether the files are *correct*; this module says where they are
*weak*, following the habits in docs/bank-format.md section 15. It is pure: :func:`lint` takes
a :class:`~quizapp.banks.model.BankSet` and returns :class:`LintWarning` values, sorted by
file and line. Nothing here reads files, and there is no Flask.

The rules (the name in brackets ends each warning, so a reviewer can grep for one rule):

``answer-position``
    Per bank, over its ``single`` items grouped by their number of options *n* (standalone
    and scenario items together): when a group has at least :data:`POSITION_MIN_ITEMS` (12)
    items, each authored position should hold between 0.4/n and 1.6/n of the keys; for the
    house format of four options that is **between 10% and 40%**. Candidates see shuffled
    options by default, but printed copies, reviews and tests with ``shuffle_options: false``
    show the authored order, and a writer's habit (keys mostly B or C) shows in it.
``longest-key``
    Per bank, over its ``single`` and ``multiple`` items (at least :data:`LONGEST_MIN_ITEMS`):
    an item is a *hit* when its strictly longest option (in characters, more than every other
    option) is a correct one. By chance alone a hit happens with probability
    correct/options (1 in 4 for a house single, 3 in 8 for a house multiple), so the rule
    warns when hits exceed :data:`LONGEST_FACTOR` (4/3) of the chance expectation. For a
    bank of four-option single items that is **more than 1/3 of items**; the threshold rises
    for multiple items, whose three keys make "the longest is a key" likelier by chance.
``above-option``
    An option that reads "all of the above", "none of the above", "both/neither of the
    above" or "all/none of these": they reward test-taking tricks and break when shuffled.
``duplicate-stem``
    Two items, in any banks, whose stems are the same once normalised (lower case, Markdown
    and punctuation removed, spaces collapsed), or near-duplicates: a ``difflib`` ratio of at
    least :data:`NEAR_DUPLICATE_RATIO` (0.9) over the normalised words. Items of two
    *different* scenarios are not compared: "What should happen next?" under two vignettes
    is two questions. The later item (by file and line) is warned, naming the earlier one.
``duplicate-option``
    Two options of one item that are the same once normalised, or near-duplicates (a
    ``difflib`` ratio of at least 0.9 over the normalised characters), unless their numbers
    differ: "26 weeks ..." against "40 weeks ..." is a deliberate distractor, not a copy.
``placeholder``
    An item that still holds what ``quizapp convert`` leaves for a person to fill in: a
    rationale starting ``TODO`` (the source had no general feedback) or ``CHANGE-ME`` in any
    of its texts. This one is an error where it matters: a trainer's upload with one cannot be
    published (:data:`PUBLISH_BLOCKERS`).
``missing-feedback``
    An option with no feedback (every option should say why it is right or wrong).
``missing-reference``
    An item with no references (every item needs a checkable source).
``negative-stem``
    A *question sentence* of the stem (one that ends with "?" or starts with "Which" or
    "What") containing a bare "not", "except" or "least", that is one not written inside
    ``**...**`` (or ``*...*``) emphasis. Sentences of a vignette that merely mention a
    negation are not question sentences and are left alone, and so are the ordinary phrases
    in :data:`NEGATION_IDIOMS` ("at least", "whether or not", "by not ...", "least
    restrictive" ...).
``house-style`` (only with ``house_style=True``, the default)
    The real knowledge assessment used two formats: choose 1 correct answer of 4, and choose
    3 correct answers of 8. A ``single`` item without exactly 4 options, or a ``multiple``
    item without exactly 8 options of which 3 are correct, is warned. Ordering items are not
    checked. Trainers writing local banks in other formats turn this off
    (``quizapp lint --no-house-style``).

Warnings point at the item's (or the bank's) first line; column 1.

The *cue* rules (what helps a test-wise candidate more than a knowledgeable one: absolute
words, keys that stand out by length, standards-only references, scenario facts, names used
twice) are in :mod:`quizapp.banks.cues`; :func:`lint` runs them too unless ``cues=False``, and
:func:`failing` leaves them out of what fails ``quizapp lint`` unless ``strict``. A warning
about the whole set has no file (``file == ""``) and prints without a place.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from quizapp.banks.model import Bank, BankSet, Item

POSITION_MIN_ITEMS = 12
"""``answer-position`` looks at a bank's n-option single items only when there are this many."""
POSITION_HIGH = Fraction(8, 5)
"""A position holding more than POSITION_HIGH / n of the keys is over-used (40% for n = 4)."""
POSITION_LOW = Fraction(2, 5)
"""A position holding less than POSITION_LOW / n of the keys is under-used (10% for n = 4)."""

LONGEST_MIN_ITEMS = 6
"""``longest-key`` looks at a bank only when it has this many single and multiple items."""
LONGEST_FACTOR = Fraction(4, 3)
"""``longest-key`` warns when hits exceed this multiple of the chance expectation."""

NEAR_DUPLICATE_RATIO = 0.9
"""The ``difflib`` ratio at or above which two stems, or two options, are near-duplicates."""

HOUSE_SINGLE_OPTIONS = 4
HOUSE_MULTIPLE_OPTIONS = 8
HOUSE_MULTIPLE_CORRECT = 3

ABOVE_RE = re.compile(
    r"\b(?:(?:all|none|both|neither) of the (?:above|options|answers)|(?:all|none) of these)\b",
    re.IGNORECASE,
)
NEGATIVE_RE = re.compile(r"\b(not|except|least)\b", re.IGNORECASE)
NEGATION_IDIOMS: tuple[str, ...] = (
    r"\bat least\b",
    r"\bleast restrictive\b",
    r"\bwhether or not\b",
    r"\bor not\b",
    r"\bif not\b",
    r"\bnot only\b",
    r"\b(?:by|for|of|from|about|without) not\b",
)
"""Phrases whose "not" or "least" is ordinary English, not a negative question."""
_IDIOM_RE = re.compile("|".join(NEGATION_IDIOMS), re.IGNORECASE)
_EMPHASIS_RE = re.compile(r"\*\*.+?\*\*|__.+?__|\*[^*\s][^*]*?\*|\b_[^_\s][^_]*?_\b", re.DOTALL)
_SENTENCE_END_RE = re.compile(r"(?<=[.?!])\s+|(?<=[.?!][\"'\u201d\u2019)])\s+")
_QUESTION_START_RE = re.compile(r"(?:which|what)\b", re.IGNORECASE)
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty sixty hundred first second third fourth fifth sixth seventh eighth ninth tenth".split()
)


@dataclass(frozen=True, order=True)
class LintWarning:
    """One warning, located in a file: ``FILE:LINE:COLUMN: warning: message [rule]``."""

    file: str
    line: int
    column: int
    message: str
    rule: str

    def __str__(self) -> str:
        if not self.file:  # about the whole bank set: nowhere in particular
            return f"warning: {self.message} [{self.rule}]"
        return f"{self.file}:{self.line}:{self.column}: warning: {self.message} [{self.rule}]"


Warnings = Iterable[LintWarning]
Rule = Callable[[BankSet], Warnings]


# --------------------------------------------------------------------------------------
# Public API


def lint(bank_set: BankSet, *, house_style: bool = True, cues: bool = True) -> list[LintWarning]:
    """Every warning for ``bank_set``, sorted by file, line and message. ``house_style``
    adds the checks of the real test's two formats (1 of 4, 3 of 8); ``cues`` the rules of
    :mod:`quizapp.banks.cues` (what helps a test-wise candidate; their rule names are in
    ``cues.CUE_RULES``)."""
    from quizapp.banks import cues as cue_rules  # it imports LintWarning from here

    rules: list[Rule] = [
        check_answer_positions,
        check_longest_key,
        check_above_options,
        check_duplicate_stems,
        check_duplicate_options,
        check_option_feedback,
        check_references,
        check_negative_stems,
        check_placeholders,
    ]
    if house_style:
        rules.append(check_house_style)
    if cues:
        rules.extend(cue_rules.RULES)
    warnings = {warning for rule in rules for warning in rule(bank_set)}
    return sorted(warnings)


def summary(bank_set: BankSet, warnings: Sequence[LintWarning]) -> str:
    """The last line of ``quizapp lint``: what was checked and how many warnings, saying how
    many are about cues (which fail the command only with ``--strict``)."""
    from quizapp.banks.cues import CUE_RULES

    n = len(warnings)
    files = len({w.file for w in warnings if w.file})
    where = f" in {files} file{'s' if files != 1 else ''}" if files else ""
    cues = sum(w.rule in CUE_RULES for w in warnings)
    about = f" ({cues} about cues, which fail only with --strict)" if cues else ""
    return (f"{len(bank_set.files)} files, {len(bank_set.banks)} banks, {len(bank_set.items())} items: "
            f"{n} warning{'s' if n != 1 else ''}{where}{about}")


def failing(warnings: Sequence[LintWarning], *, strict: bool = False) -> list[LintWarning]:
    """The warnings that make ``quizapp lint`` exit 1: all with ``strict``, else all but cues."""
    from quizapp.banks.cues import CUE_RULES

    return list(warnings) if strict else [w for w in warnings if w.rule not in CUE_RULES]


# --------------------------------------------------------------------------------------
# Per-bank rules


def check_answer_positions(bank_set: BankSet) -> Warnings:
    """Rule ``answer-position``: see the module docstring."""
    for bank in bank_set.banks.values():
        groups: dict[int, list[int]] = {}
        for item in bank.all_items():
            if item.type == "single":
                key = next(i for i, option in enumerate(item.options) if option.correct)
                groups.setdefault(len(item.options), []).append(key)
        for n, keys in sorted(groups.items()):
            if len(keys) < POSITION_MIN_ITEMS:
                continue
            counts = Counter(keys)
            total = len(keys)
            high, low = POSITION_HIGH / n, POSITION_LOW / n
            off = [p for p in range(n) if Fraction(counts[p], total) > high or Fraction(counts[p], total) < low]
            if off:
                spread = ", ".join(f"{_letter(p)} {counts[p]}" for p in range(n))
                worst = ", ".join(f"{_letter(p)} {_percent(counts[p], total)}" for p in off)
                yield _at_bank(bank, "answer-position",
                               f"bank '{bank.key}': the correct answers of its {total} {n}-option single "
                               f"items are unbalanced ({spread}; {worst}): keep each position between "
                               f"{_percent(low)} and {_percent(high)} of the keys")


def check_longest_key(bank_set: BankSet) -> Warnings:
    """Rule ``longest-key``: see the module docstring."""
    for bank in bank_set.banks.values():
        items = [i for i in bank.all_items() if i.type in ("single", "multiple") and i.options]
        if len(items) < LONGEST_MIN_ITEMS:
            continue
        hits = [i for i in items if _longest_is_correct(i)]
        expected = sum((Fraction(sum(o.correct for o in i.options), len(i.options)) for i in items), Fraction(0))
        if len(hits) > LONGEST_FACTOR * expected:
            yield _at_bank(bank, "longest-key",
                           f"bank '{bank.key}': the longest option is a correct one in {len(hits)} of its "
                           f"{len(items)} single and multiple items ({_percent(len(hits), len(items))}; "
                           f"chance would give about {float(expected):.0f}): shorten some keys or "
                           f"lengthen distractors, e.g. {', '.join(i.key for i in hits[:5])}")


def _longest_is_correct(item: Item) -> bool:
    lengths = [len(" ".join(o.text.split())) for o in item.options]
    longest = max(lengths)
    if lengths.count(longest) != 1:
        return False
    return item.options[lengths.index(longest)].correct


# --------------------------------------------------------------------------------------
# Per-item rules


def check_above_options(bank_set: BankSet) -> Warnings:
    """Rule ``above-option``: see the module docstring."""
    for item in bank_set.items():
        for number, option in enumerate(item.options, start=1):
            match = ABOVE_RE.search(option.text)
            if match:
                yield _at_item(item, "above-option",
                               f"item '{item.key}': option {number} says '{match.group(0)}': write a "
                               f"real distractor (it also breaks when options are shuffled)")


def check_option_feedback(bank_set: BankSet) -> Warnings:
    """Rule ``missing-feedback``: see the module docstring."""
    for item in bank_set.items():
        missing = [str(n) for n, option in enumerate(item.options, start=1) if not option.feedback.strip()]
        if missing:
            which = f"option {missing[0]} has" if len(missing) == 1 else f"options {', '.join(missing)} have"
            yield _at_item(item, "missing-feedback",
                           f"item '{item.key}': {which} no feedback: say why each option is right or wrong")


PLACEHOLDER_TEXT = "CHANGE-ME"
PUBLISH_BLOCKERS = frozenset({"placeholder"})
"""Rules whose warnings stop a trainer's upload from being published."""


def check_placeholders(bank_set: BankSet) -> Warnings:
    """Rule ``placeholder``: see the module docstring."""
    for item in bank_set.items():
        texts = [item.stem, item.rationale, *item.references]
        for option in item.options:
            texts += [option.text, option.feedback]
        if item.rationale.lstrip().upper().startswith("TODO"):
            yield _at_item(item, "placeholder", f"item '{item.key}': the rationale still reads TODO: write why the "
                                                f"correct answer is right")
        elif any(PLACEHOLDER_TEXT in text for text in texts):
            yield _at_item(item, "placeholder", f"item '{item.key}' still has a {PLACEHOLDER_TEXT} placeholder: "
                                                f"replace it")


def placeholders(bank_set: BankSet) -> list[LintWarning]:
    """The ``placeholder`` warnings alone (what stops publishing)."""
    return sorted(set(check_placeholders(bank_set)))


def check_references(bank_set: BankSet) -> Warnings:
    """Rule ``missing-reference``: see the module docstring."""
    for item in bank_set.items():
        if not any(ref.strip() for ref in item.references):
            yield _at_item(item, "missing-reference",
                           f"item '{item.key}' has no references: cite a statute and section, a "
                           f"guidance chapter or named research")


def check_negative_stems(bank_set: BankSet) -> Warnings:
    """Rule ``negative-stem``: see the module docstring."""
    for item in bank_set.items():
        word = unemphasised_negative(item.stem)
        if word:
            yield _at_item(item, "negative-stem",
                           f"item '{item.key}': the question asks with '{word}' without emphasis: "
                           f"write it as **{word.lower()}**, or ask the question positively")


def unemphasised_negative(stem: str) -> str | None:
    """The first bare not/except/least of a question sentence of ``stem``, or None."""
    plain = _EMPHASIS_RE.sub(" ", stem)
    for sentence in question_sentences(plain):
        match = NEGATIVE_RE.search(_IDIOM_RE.sub(" ", sentence))
        if match:
            return match.group(1)
    return None


def question_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask: ending with '?' or starting with Which/What.
    Paragraphs (blank lines) and list items end sentences too."""
    out = []
    for block in re.split(r"\n\s*\n|\n\s*(?:[-*]|\d+\.)\s+", text):
        for sentence in _SENTENCE_END_RE.split(" ".join(block.split())):
            sentence = sentence.strip().lstrip("\"'\u201c\u2018(")
            if sentence.endswith("?") or _QUESTION_START_RE.match(sentence):
                out.append(sentence)
    return out


def check_house_style(bank_set: BankSet) -> Warnings:
    """Rule ``house-style``: see the module docstring."""
    for item in bank_set.items():
        n = len(item.options)
        correct = sum(o.correct for o in item.options)
        if item.type == "single" and n != HOUSE_SINGLE_OPTIONS:
            yield _at_item(item, "house-style",
                           f"item '{item.key}': a single item has {n} options: the real test's format "
                           f"is 1 correct answer of {HOUSE_SINGLE_OPTIONS}")
        elif item.type == "multiple" and (n, correct) != (HOUSE_MULTIPLE_OPTIONS, HOUSE_MULTIPLE_CORRECT):
            yield _at_item(item, "house-style",
                           f"item '{item.key}': a multiple item has {n} options with {correct} correct: "
                           f"the real test's format is {HOUSE_MULTIPLE_CORRECT} correct answers of "
                           f"{HOUSE_MULTIPLE_OPTIONS}")


# --------------------------------------------------------------------------------------
# Duplicates


def normalise(text: str) -> str:
    """Lower case, Markdown and punctuation removed, spaces collapsed."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", text.lower()).split())


def _numbers(text: str) -> Counter[str]:
    words = normalise(text).split()
    return Counter(w for w in words if w.isdigit() or w in _NUMBER_WORDS)


def check_duplicate_stems(bank_set: BankSet) -> Warnings:
    """Rule ``duplicate-stem``: see the module docstring."""
    items = sorted(bank_set.items(), key=lambda i: (i.file, i.line, i.key))
    words = [normalise(i.stem).split() for i in items]
    for b, later in enumerate(items):
        for a in range(b):
            earlier = items[a]
            if earlier.scenario and later.scenario and earlier.scenario != later.scenario:
                continue
            if words[a] == words[b]:
                kind = "the same stem as"
            else:
                ratio = _ratio(words[a], words[b])
                if ratio < NEAR_DUPLICATE_RATIO:
                    continue
                kind = f"a near-duplicate stem ({ratio:.0%} similar) of"
            yield _at_item(later, "duplicate-stem",
                           f"item '{later.key}' has {kind} item '{earlier.key}' ({earlier.file}:{earlier.line})")
            break  # one warning per item, naming the first earlier match


def check_duplicate_options(bank_set: BankSet) -> Warnings:
    """Rule ``duplicate-option``: see the module docstring."""
    for item in bank_set.items():
        texts = [normalise(o.text) for o in item.options]
        for b in range(len(texts)):
            for a in range(b):
                if texts[a] == texts[b]:
                    kind = "the same, apart from case and punctuation"
                elif _numbers(item.options[a].text) != _numbers(item.options[b].text):
                    continue
                else:
                    ratio = _ratio(texts[a], texts[b])
                    if ratio < NEAR_DUPLICATE_RATIO:
                        continue
                    kind = f"near-duplicates ({ratio:.0%} similar)"
                yield _at_item(item, "duplicate-option",
                               f"item '{item.key}': options {a + 1} and {b + 1} are {kind}")


def _ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """difflib's similarity ratio, with its cheap upper bounds tried first."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < NEAR_DUPLICATE_RATIO or matcher.quick_ratio() < NEAR_DUPLICATE_RATIO:
        return 0.0
    return matcher.ratio()


# --------------------------------------------------------------------------------------
# Helpers


def _at_item(item: Item, rule: str, message: str) -> LintWarning:
    return LintWarning(item.file, item.line, 1, message, rule)


def _at_bank(bank: Bank, rule: str, message: str) -> LintWarning:
    return LintWarning(bank.file, bank.line, 1, message, rule)


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def _percent(part: int | Fraction, whole: int = 1) -> str:
    return f"{float(Fraction(part) / whole):.0%}"


__all__ = [
    "LintWarning",
    "failing",
    "NEAR_DUPLICATE_RATIO",
    "PUBLISH_BLOCKERS",
    "lint",
    "normalise",
    "placeholders",
    "question_sentences",
    "summary",
    "unemphasised_negative",
]
