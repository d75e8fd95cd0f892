"""How far a crosswalk covers its two frameworks, and how far the items' ``also_keyed`` follow
it: part of ``quizapp coverage`` (coverage.py renders it). Pure: no files, no Flask.

A crosswalk *proposes* which statements of its ``to`` framework an item keyed to a ``from``
statement may also evidence; a person decides, item by item, in ``also_keyed``
(docs/crosswalk.md). So for the items of the ``from`` framework's banks:

- *keyed*: items whose also_keyed names the ``to`` framework;
- *agree*: of those, items each of whose ``to`` codes is proposed by a link from one of the
  item's own statements (the rest name a code the crosswalk does not propose for them: worth a
  second look, not an error);
- *not keyed*: items with no also_keyed for the ``to`` framework yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.banks.model import BankSet, Crosswalk


@dataclass(frozen=True)
class CrosswalkCoverage:
    key: str
    source: str  # the `from` framework
    target: str  # the `to` framework
    unlinked_source: tuple[str, ...]  # `from` statements no link starts at
    unlinked_target: tuple[str, ...]  # `to` statements no link ends at
    items: int  # items of the `from` framework's banks
    keyed: int
    agree: int

    @property
    def not_keyed(self) -> int:
        return self.items - self.keyed


def crosswalk_coverage(bank_set: BankSet, walk: Crosswalk) -> CrosswalkCoverage:
    source, target = bank_set.frameworks.get(walk.source), bank_set.frameworks.get(walk.target)
    linked_from = {link.source for link in walk.links}
    linked_to = {link.target for link in walk.links}
    items = [i for bank in bank_set.banks.values() if bank.framework == walk.source for i in bank.all_items()]
    keyed = [i for i in items if i.also_keyed.get(walk.target)]
    agree = sum(1 for i in keyed
                if set(i.also_keyed[walk.target]) <= {t for code in i.statements for t in walk.targets(code)})
    return CrosswalkCoverage(
        walk.key, walk.source, walk.target,
        tuple(s.code for s in source.statements if s.code not in linked_from) if source else (),
        tuple(s.code for s in target.statements if s.code not in linked_to) if target else (),
        len(items), len(keyed), agree)


def render_crosswalk(c: CrosswalkCoverage) -> list[str]:
    def codes(found: tuple[str, ...]) -> str:
        return ", ".join(found) if found else "none"

    return [
        f"{c.key} ({c.source} -> {c.target}):",
        f"  {c.source} statements with no link: {codes(c.unlinked_source)}",
        f"  {c.target} statements with no link: {codes(c.unlinked_target)}",
        f"  {c.source} items also keyed to {c.target}: {c.keyed} of {c.items}; {c.agree} agree with the "
        f"crosswalk's proposals, {c.keyed - c.agree} name a code it does not propose for their statements, "
        f"{c.not_keyed} not keyed yet",
    ]
