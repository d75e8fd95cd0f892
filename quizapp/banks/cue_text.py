"""What lint's cue rules look for in the words of a bank set (:mod:`quizapp.banks.cues`):
absolute words, references to a standards document, and the names and numbers of a case.
Pure functions on strings and BankSets; no files, no Flask.

Names are found without a list of names. A *person's name* is two capitalised words in a row
("Joanna Nowak", "Kerry-Ann Doyle", "Siobhan O'Connor") of which neither is ever written in
lower case anywhere in the bank set (which rules out "Children Act", "Working Together", "The
Panel", "When Leo": *act*, *together*, *the* and *when* are ordinary words), neither is a title
("Detective Sergeant"), and neither appears in a reference (cited authors, such as "Tony
Morrison" or "Lord Laming", are real people, not characters). The given name must also be
written mid-sentence somewhere in the set, so that a verb opening an option ("Reassure Oliver")
is not taken for one. Once a word is known as part of a
person's name anywhere in the set, it counts wherever it appears capitalised ("Zofia" alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from quizapp.banks.model import BankSet, Item, Scenario

ABSOLUTE_WORDS: tuple[str, ...] = (
    "only", "always", "never", "all", "none", "every", "everyone", "everybody", "everything",
    "no one", "nobody", "nothing", "solely", "entirely", "completely", "totally", "absolutely",
    "automatically", "invariably", "guarantee", "guarantees", "guaranteed", "certainly", "definitely",
)
"""The absolute words ("specific determiners") that test-wise candidates learn to rule out.
"must", "cannot" and "may not" are left out on purpose: they are how statute and statutory
guidance state duties, so keys use them rightly and counting them would hide the cue."""
ABSOLUTE_IDIOMS: tuple[str, ...] = (r"\bnot only\b", r"\bif only\b", r"\b(?:at|after|above) all\b")
"""Phrases whose absolute word is ordinary English, not a claim about every case."""
_ABSOLUTE_RE = re.compile(r"\b(" + "|".join(w.replace(" ", r"\s+") for w in ABSOLUTE_WORDS) + r")\b",
                          re.IGNORECASE)
_ABSOLUTE_IDIOM_RE = re.compile("|".join(ABSOLUTE_IDIOMS), re.IGNORECASE)

STANDARDS_DOCUMENTS: tuple[str, ...] = (
    r"knowledge and skills statement",
    r"\bKSS\b",
    r"post-qualifying standard",
    r"early career (?:standards|framework)",
    r"professional standards",  # Social Work England's
    r"professional capabilities framework",
    r"\bPCF\b",
    r"standards for employers",  # the Local Government Association's employer standards
)
"""References that name a standards document: what practitioners should know and do, not the
source of a fact (a statute and section, a guidance chapter, research). The titles of the set's
own frameworks count too (:func:`standards_patterns`)."""

TITLE_WORDS = frozenset(
    "Mr Mrs Ms Miss Mx Dr Detective Sergeant Constable Inspector Superintendent Judge Lord Lady Sir Dame "
    "Professor Councillor DS DC PC DI".split()
)
"""Words that stand before a name but are not part of it."""

_NAME_WORD = r"(?:O'|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_PAIR_RE = re.compile(rf"(?<![\w'-])(?=({_NAME_WORD})(?:'s)?[ \t]+({_NAME_WORD})\b)")
_MID_SENTENCE_RE = re.compile(rf"(?<=[a-z,;:] )({_NAME_WORD})\b")
_CAPITALISED_RE = re.compile(rf"\b{_NAME_WORD}\b")
_LOWER_WORD_RE = re.compile(r"\b[a-z][a-z-]*\b")
_NUMBER_RE = re.compile(r"\b\d+\b")


def absolute_words(text: str) -> list[str]:
    """The absolute words in ``text``, in order, leaving out the idioms."""
    plain = _ABSOLUTE_IDIOM_RE.sub(" ", text)
    return [" ".join(m.group(1).lower().split()) for m in _ABSOLUTE_RE.finditer(plain)]


def standards_patterns(bank_set: BankSet) -> list[re.Pattern[str]]:
    """:data:`STANDARDS_DOCUMENTS` and the set's framework titles, as patterns."""
    patterns = [re.compile(p, re.IGNORECASE) for p in STANDARDS_DOCUMENTS]
    for framework in bank_set.frameworks.values():
        if framework.title.strip():
            patterns.append(re.compile(re.escape(" ".join(framework.title.split())), re.IGNORECASE))
    return patterns


def cites_only_standards(references: Iterable[str], patterns: list[re.Pattern[str]]) -> bool:
    """True when there is a reference and every one names a standards document."""
    refs = [" ".join(r.split()) for r in references if r.strip()]
    return bool(refs) and all(any(p.search(r) for p in patterns) for r in refs)


def item_texts(item: Item) -> list[str]:
    """What a candidate reads of an item and its feedback (references left out)."""
    return [item.stem, item.rationale, *(o.text for o in item.options), *(o.feedback for o in item.options)]


def case_texts(case: Item | Scenario) -> list[str]:
    """A *case*: a scenario with its items, or a standalone item."""
    if isinstance(case, Scenario):
        return [case.title, case.text, *(t for item in case.items for t in item_texts(item))]
    return item_texts(case)


class NameFinder:
    """Finds people's names in a bank set's cases (see the module docstring)."""

    def __init__(self, bank_set: BankSet) -> None:
        texts = [t for bank in bank_set.banks.values() for case in (*bank.items, *bank.scenarios)
                 for t in case_texts(case)]
        self.lower = {w for t in texts for w in _LOWER_WORD_RE.findall(t)}
        references = " ".join(r for item in bank_set.items() for r in item.references)
        self.cited = set(_CAPITALISED_RE.findall(references))
        self.mid_sentence = {w for t in texts for w in _MID_SENTENCE_RE.findall(t)}
        self.parts = {part for t in texts for pair in self.pairs(t) for part in pair}

    def is_name_word(self, word: str) -> bool:
        return (word.lower() not in self.lower and word not in TITLE_WORDS and word not in self.cited
                and len(word) > 1)

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """The people's names (given name, surname) written in full in ``text``."""
        return [(m.group(1), m.group(2)) for m in _PAIR_RE.finditer(text)
                if self.is_name_word(m.group(1)) and self.is_name_word(m.group(2))
                and m.group(1) in self.mid_sentence]

    def names(self, texts: Iterable[str]) -> set[str]:
        """Every full name and every name word (given name or surname) used in ``texts``."""
        out: set[str] = set()
        for text in texts:
            out |= {f"{given} {surname}" for given, surname in self.pairs(text)}
            out |= {w for w in _CAPITALISED_RE.findall(text) if w in self.parts}
        return out


def scenario_facts(scenario: Scenario, finder: NameFinder) -> set[str]:
    """What a scenario's items can point at: its capitalised words that are never ordinary
    words (names of people and places) and its numbers (ages, dates, counts)."""
    words = {w for w in _CAPITALISED_RE.findall(scenario.text) if finder.is_name_word(w)}
    return words | set(_NUMBER_RE.findall(scenario.text))


def mentions(text: str, facts: set[str]) -> set[str]:
    """The facts (words or numbers) that ``text`` mentions, as whole words."""
    found = set(_CAPITALISED_RE.findall(text)) | set(_NUMBER_RE.findall(text))
    return found & facts


__all__ = [
    "ABSOLUTE_IDIOMS",
    "ABSOLUTE_WORDS",
    "NameFinder",
    "STANDARDS_DOCUMENTS",
    "TITLE_WORDS",
    "absolute_words",
    "case_texts",
    "cites_only_standards",
    "item_texts",
    "mentions",
    "scenario_facts",
    "standards_patterns",
]
