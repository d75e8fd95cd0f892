"""Importing a validated BankSet into the database: all-or-nothing, idempotent, versioned.

Rules (see docs/bank-format.md, "Versions"):
- Nothing is imported unless the whole set is valid; the import is one transaction.
- Importing unchanged files changes nothing (no row is written).
- An edited item gets a new ItemVersion, identified by its content hash (which includes its
  scenario's vignette, and what it is keyed to: its statements and `also_keyed`, whose codes of
  other frameworks are stored with the version's statements too). Going back to earlier content re-uses the earlier version.
- An item, scenario, bank, test or statement that disappears is retired, never deleted:
  attempts keep pointing at the versions they showed.
- A partial import (some paths only) retires items missing from the banks it contains, but
  does not retire banks, tests or frameworks it does not mention; a full import (`prune=True`)
  retires those too, but only what came from the same source (`origin`): a full sync of
  `question_banks/` never retires what trainers published from the browser.
- A crosswalk's links are rewritten whole when they change (nothing points at them); a full
  import of the folder deletes the links of a crosswalk that is gone. Crosswalks come only
  from the folder (they have no owner); an upload's are ignored.
- Content has an owner (quizapp.services.ownership) and an origin ("folder" or "web"). An import may
  change only rows of its own owner and origin: an id that exists with another owner or origin
  is refused, so an upload can never change the folder's content or another organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.services import audit
from quizapp.data import models as m
from quizapp.banks import model as bm
from quizapp.banks.model import item_version_hash
from quizapp.data.models._types import utcnow
from quizapp.services import pools


class ImportRefused(Exception):
    """The set cannot be imported; `problems` says why (nothing was written)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    # Notes that change nothing: a test's pass mark kept because a panel's cut score was applied.
    kept: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.retired) + len(self.restored)

    def lines(self) -> list[str]:
        out = [f"added {what}" for what in self.added]
        out += [f"changed {what}" for what in self.changed]
        out += [f"restored {what}" for what in self.restored]
        out += [f"retired {what}" for what in self.retired]
        out += [f"kept {what}" for what in self.kept]
        return out

    def summary(self) -> str:
        if not self.changes:
            return "Nothing to import: the database already matches these files."
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.restored)} restored, {len(self.retired)} retired"
        )


def _set(obj: object, **values: object) -> bool:
    """Assign only the attributes whose value differs; True if anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _by_key(session: Session, model: type) -> dict[str, object]:
    return {row.key: row for row in session.scalars(select(model))}


class _Importer:
    def __init__(self, session: Session, bank_set: bm.BankSet, prune: bool, now: datetime,
                 context: bm.BankSet | None = None, owner_id: int | None = None, origin: str = "folder") -> None:
        self.session = session
        self.owner = dict(organisation_id=owner_id, origin=origin)
        self.origin = origin
        self.set = bank_set
        self.context = context or bank_set
        self.prune = prune
        self.now = now
        self.report = ImportReport()
        self.frameworks: dict[str, m.Framework] = _by_key(session, m.Framework)  # type: ignore[assignment]
        self.statements: dict[tuple[str, str], m.Statement] = {}

    # -- frameworks and statements ---------------------------------------------------------
    def frameworks_(self) -> None:
        for key, fw in self.set.frameworks.items():
            row = self.frameworks.get(key)
            values = dict(title=fw.title, level=fw.level, description=fw.description,
                          content_hash=fw.content_hash(), source_file=fw.file,
                          effective_from=fw.effective_from, superseded_on=fw.superseded_on,
                          replaces=fw.replaces, source_note=fw.source_note,
                          standards=[{"code": g.code, "title": g.title, "summary": g.summary,
                                      "unconfirmed": g.unconfirmed, "statements": list(g.statements)}
                                     for g in fw.standards])
            if row is None:
                row = m.Framework(key=key, **values, **self.owner)
                self.session.add(row)
                self.frameworks[key] = row
                self.report.added.append(f"framework {key}")
            else:
                if row.retired_at is not None:
                    self.report.restored.append(f"framework {key}")
                elif row.content_hash != values["content_hash"]:
                    self.report.changed.append(f"framework {key}")
                _set(row, retired_at=None, **values)
            self.session.flush()
            existing = {s.code: s for s in row.statements}
            for position, st in enumerate(fw.statements):
                srow = existing.pop(st.code, None)
                svalues = dict(position=position, title=st.title, summary=st.summary,
                               resources=[{"title": r.title, "url": r.url} for r in st.resources], retired_at=None,
                               standard_code=st.standard, unconfirmed=st.unconfirmed)
                if srow is None:
                    srow = m.Statement(framework_id=row.id, code=st.code, **svalues)
                    self.session.add(srow)
                    row.statements.append(srow)
                else:
                    _set(srow, **svalues)
            for code, srow in existing.items():
                if srow.retired_at is None:
                    srow.retired_at = self.now
                    self.report.retired.append(f"statement {key} {code}")
        self.session.flush()
        if self.prune:
            for key, row in self.frameworks.items():
                if key not in self.set.frameworks and row.retired_at is None and row.origin == self.origin:
                    row.retired_at = self.now
                    self.report.retired.append(f"framework {key}")
        for key, row in self.frameworks.items():
            for srow in row.statements:
                self.statements[(key, srow.code)] = srow

    # -- crosswalks ------------------------------------------------------------------------
    def crosswalks(self) -> None:
        """Each crosswalk's links, rewritten whole when they differ from what is stored (a
        crosswalk holds no history: attempts never point at it). A full import deletes the
        links of crosswalks no longer in the folder. Only the folder's content brings
        crosswalks: they have no owner, so a trainer's upload leaves them alone."""
        if self.origin != "folder":
            return
        for key, walk in self.set.crosswalks.items():
            wanted = [(self.statements[(walk.source, link.source)].id,
                       self.statements[(walk.target, link.target)].id, link.reason) for link in walk.links]
            stored = self.session.scalars(select(m.CrosswalkLink).where(m.CrosswalkLink.crosswalk == key)
                                          .order_by(m.CrosswalkLink.position)).all()
            if [(r.source_id, r.target_id, r.reason) for r in stored] == wanted:
                continue
            (self.report.changed if stored else self.report.added).append(f"crosswalk {key}")
            for row in stored:
                self.session.delete(row)
            self.session.flush()
            for position, (source_id, target_id, reason) in enumerate(wanted):
                self.session.add(m.CrosswalkLink(crosswalk=key, source_id=source_id, target_id=target_id,
                                                 position=position, reason=reason))
        if self.prune:
            gone = self.session.scalars(select(m.CrosswalkLink.crosswalk).distinct()
                                        .where(m.CrosswalkLink.crosswalk.not_in(list(self.set.crosswalks)))).all()
            for key in gone:
                self.session.execute(m.CrosswalkLink.__table__.delete().where(m.CrosswalkLink.crosswalk == key))
                self.report.retired.append(f"crosswalk {key}")
        self.session.flush()

    # -- banks, scenarios, items -----------------------------------------------------------
    def banks(self) -> None:
        banks: dict[str, m.Bank] = _by_key(self.session, m.Bank)  # type: ignore[assignment]
        scenarios: dict[str, m.Scenario] = _by_key(self.session, m.Scenario)  # type: ignore[assignment]
        items: dict[str, m.Item] = {
            row.key: row
            for row in self.session.scalars(
                select(m.Item).options(selectinload(m.Item.versions), selectinload(m.Item.current_version))
            )
        }
        seen_items: set[str] = set()
        seen_scenarios: set[str] = set()

        for key, bank in self.set.banks.items():
            framework = self.frameworks[bank.framework]
            values = dict(framework_id=framework.id, title=bank.title, description=bank.description, source_file=bank.file)
            row = banks.get(key)
            if row is None:
                row = m.Bank(key=key, **values, **self.owner)
                self.session.add(row)
                banks[key] = row
                self.report.added.append(f"bank {key}")
            else:
                if row.retired_at is not None:
                    self.report.restored.append(f"bank {key}")
                _set(row, retired_at=None, **values)
            self.session.flush()

            for position, item in enumerate(bank.items):
                self._item(items, item, row, None, None, position)
                seen_items.add(item.key)
            for s_position, scenario in enumerate(bank.scenarios):
                srow = self._scenario(scenarios, scenario, row, s_position)
                seen_scenarios.add(scenario.key)
                for position, item in enumerate(scenario.items):
                    self._item(items, item, row, scenario, srow, position)
                    seen_items.add(item.key)

        imported_banks = {banks[key].id for key in self.set.banks}
        own_banks = {row.id for row in banks.values() if row.origin == self.origin}
        for key, irow in items.items():
            if key in seen_items or irow.retired_at is not None:
                continue
            if (self.prune and irow.bank_id in own_banks) or irow.bank_id in imported_banks:
                irow.retired_at = self.now
                self.report.retired.append(f"item {key}")
        for key, srow in scenarios.items():
            if key in seen_scenarios or srow.retired_at is not None:
                continue
            if (self.prune and srow.bank_id in own_banks) or srow.bank_id in imported_banks:
                srow.retired_at = self.now
                self.report.retired.append(f"scenario {key}")
        if self.prune:
            for key, brow in banks.items():
                if key not in self.set.banks and brow.retired_at is None and brow.origin == self.origin:
                    brow.retired_at = self.now
                    self.report.retired.append(f"bank {key}")
        self.session.flush()

    def _scenario(self, scenarios: dict[str, m.Scenario], scenario: bm.Scenario, bank: m.Bank, position: int) -> m.Scenario:
        values = dict(bank_id=bank.id, position=position, title=scenario.title, text=scenario.text,
                      content_hash=scenario.content_hash())
        row = scenarios.get(scenario.key)
        if row is None:
            row = m.Scenario(key=scenario.key, **values)
            self.session.add(row)
            scenarios[scenario.key] = row
            self.report.added.append(f"scenario {scenario.key}")
        else:
            if row.retired_at is not None:
                self.report.restored.append(f"scenario {scenario.key}")
            elif row.content_hash != values["content_hash"]:
                self.report.changed.append(f"scenario {scenario.key}")
            _set(row, retired_at=None, **values)
        return row

    def _item(self, items: dict[str, m.Item], item: bm.Item, bank: m.Bank,
              scenario: bm.Scenario | None, scenario_row: m.Scenario | None, position: int) -> None:
        digest = item_version_hash(item, scenario)
        row = items.get(item.key)
        if row is None:
            row = m.Item(key=item.key, bank=bank, scenario=scenario_row, position=position)
            self.session.add(row)
            items[item.key] = row
            row.current_version = self._new_version(row, item, scenario, digest, 1)
            self.report.added.append(f"item {item.key}")
            return
        if row.bank is not bank:
            row.bank = bank
        if row.scenario is not scenario_row:
            row.scenario = scenario_row
        _set(row, position=position)
        if row.retired_at is not None:
            row.retired_at = None
            self.report.restored.append(f"item {item.key}")
        if row.current_version is not None and row.current_version.content_hash == digest:
            return
        earlier = next((v for v in row.versions if v.content_hash == digest), None)
        if earlier is not None:
            row.current_version = earlier
            self.report.changed.append(f"item {item.key} (back to version {earlier.number})")
            return
        number = max((v.number for v in row.versions), default=0) + 1
        row.current_version = self._new_version(row, item, scenario, digest, number)
        self.report.changed.append(f"item {item.key} (version {number})")

    def _new_version(self, row: m.Item, item: bm.Item, scenario: bm.Scenario | None, digest: str, number: int) -> m.ItemVersion:
        version = m.ItemVersion(
            item=row,
            number=number,
            content_hash=digest,
            type=item.type,
            section=item.section,
            difficulty=item.difficulty,
            scoring=item.scoring,
            stem=item.stem,
            options=[{"text": o.text, "correct": o.correct, "feedback": o.feedback} for o in item.options],
            rationale=item.rationale,
            references=list(item.references),
            scenario_title=scenario.title if scenario else None,
            scenario_text=scenario.text if scenario else None,
            created_at=self.now,
        )
        keyed = [(item.framework, code) for code in item.statements]
        keyed += [(framework, code) for framework, codes in item.also_keyed.items() for code in codes]
        version.statements = [self.statements[pair] for pair in dict.fromkeys(keyed)]
        self.session.add(version)
        return version

    # -- tests -------------------------------------------------------------------------------
    def tests(self) -> None:
        tests: dict[str, m.TestForm] = _by_key(self.session, m.TestForm)  # type: ignore[assignment]
        for key, test in self.set.tests.items():
            blueprint = test.to_json()
            low, high = _item_count_range(self.context, test)
            blueprint["item_count_min"] = low
            blueprint["item_count_max"] = high
            blueprint["item_count_text"] = str(low) if low == high else f"{low} to {high}"
            values = dict(
                title=test.title, description=test.description, framework_id=self.frameworks[test.framework].id,
                time_limit_minutes=float(test.time_limit_minutes), pass_mark_percent=float(test.pass_mark_percent),
                blueprint=blueprint, content_hash=test.content_hash(), source_file=test.file,
            )
            row = tests.get(key)
            if row is None:
                self.session.add(m.TestForm(key=key, updated_at=self.now, **values, **self.owner))
                self.report.added.append(f"test {key}")
                continue
            self._keep_applied_pass_mark(row, values)
            if row.retired_at is not None:
                self.report.restored.append(f"test {key}")
                row.retired_at = None
            elif row.content_hash != values["content_hash"] or row.blueprint != blueprint:
                self.report.changed.append(f"test {key}")
            if _set(row, **values):
                row.updated_at = self.now
        if self.prune:
            for key, row in tests.items():
                if key not in self.set.tests and row.retired_at is None and row.origin == self.origin:
                    row.retired_at = self.now
                    self.report.retired.append(f"test {key}")
        self.session.flush()


    def _keep_applied_pass_mark(self, row: m.TestForm, values: dict) -> None:
        """A pass mark set by a standard-setting panel (services/pass_marks.py) stays: the file's
        `pass_mark_percent` would silently undo it. The report says so when they differ."""
        applied = self.session.scalar(select(m.PassMarkChange).where(m.PassMarkChange.test_id == row.id)
                                      .order_by(m.PassMarkChange.version.desc()).limit(1))
        if applied is None:
            return
        if abs(values["pass_mark_percent"] - row.pass_mark_percent) > 1e-9:
            self.report.kept.append(
                f"the pass mark of test {row.key} at {row.pass_mark_percent:g}%, set by the standard-setting panel "
                f"'{applied.panel_name}' (version {applied.version}); the file says "
                f"{values['pass_mark_percent']:g}%, which is not applied")
        values["pass_mark_percent"] = row.pass_mark_percent


def _item_count_range(bank_set: bm.BankSet, test: bm.TestBlueprint) -> tuple[int, int]:
    """How many questions a form of `test` has: exact except for scenario draws of uneven size."""
    low = high = 0
    for section in test.sections:
        draw = section.draw
        if draw.kind == "count":
            low += draw.count
            high += draw.count
        elif draw.kind == "items":
            low += len(draw.items)
            high += len(draw.items)
        elif draw.kind == "per_statement":
            n = draw.count * len(bank_set.frameworks[section.framework].statements)
            low += n
            high += n
        else:
            sizes = sorted(  # the scenarios keyed to the framework, in its banks or through also_keyed
                len(s.items)
                for s in bank_set.scenarios()
                if s.items and all(i.section == section.section and i.keyed_to(section.framework) for i in s.items)
            )
            if sizes:
                low += sum(sizes[: draw.count])
                high += sum(sizes[-draw.count :])
    return low, high


def _source_name(organisation_id: int | None, origin: str) -> str:
    if origin == "folder":
        return "the question_banks/ folder (change it there, then run quizapp import)"
    return "the service" if organisation_id is None else "another organisation"


def _ownership_problems(session: Session, bank_set: bm.BankSet, owner_id: int | None = None,
                        origin: str = "folder") -> list[str]:
    """Ids that already belong to a bank this (partial) import does not contain, and frameworks,
    banks and tests that exist with another owner or origin (this import may not change them)."""
    problems = []
    for kind, model, entities in (("framework", m.Framework, bank_set.frameworks), ("bank", m.Bank, bank_set.banks),
                                  ("test", m.TestForm, bank_set.tests)):
        if not entities:
            continue
        for key, organisation_id, row_origin in session.execute(
                select(model.key, model.organisation_id, model.origin).where(model.key.in_(list(entities)))):
            if (organisation_id, row_origin) != (owner_id, origin):
                entity = entities[key]
                problems.append(f"{entity.file}:{entity.line}:1: {kind} id '{key}' is already used by "
                                f"{_source_name(organisation_id, row_origin)}: choose another id")
    if problems:
        return problems
    bank_of_item = {key: bank_key for key, bank_key in session.execute(
        select(m.Item.key, m.Bank.key).join(m.Bank, m.Item.bank_id == m.Bank.id))}
    bank_owner = dict(session.execute(select(m.Bank.key, m.Bank.organisation_id)).all())
    for bank in bank_set.banks.values():
        for item in bank.all_items():
            owner = bank_of_item.get(item.key)
            if owner is not None and owner != bank.key and owner not in bank_set.banks:
                problems.append(
                    f"{item.file}:{item.line}:1: item id '{item.key}' already belongs to "
                    f"{_bank_name(owner, bank_owner.get(owner), owner_id)}, "
                    "which is not part of this import (item ids are unique across all banks)"
                )
    return problems


def _bank_name(key: str, organisation_id: int | None, viewer: int | None) -> str:
    """A bank's name for a message, unless it is another organisation's (never named)."""
    if organisation_id is not None and organisation_id != viewer:
        return "another organisation's bank"
    return f"bank '{key}'"


def import_bank_set(session: Session, bank_set: bm.BankSet, *, prune: bool = False,
                    now: datetime | None = None, context: bm.BankSet | None = None,
                    owner_id: int | None = None, origin: str = "folder", by: m.User | None = None) -> ImportReport:
    """Import a valid BankSet in the caller's transaction. Raises ImportRefused (writing nothing)
    if the set has problems. The caller commits (or rolls back on any exception).

    `context` is the whole set `bank_set` was validated in, when `bank_set` is only part of it
    (the trainer's upload): a test's question count is worked out from every bank in it.
    `owner_id` and `origin` say whose content this is and where it came from (see above).
    An import that changes something is recorded in the audit trail (`by`: the trainer)."""
    if bank_set.problems:
        raise ImportRefused([str(p) for p in bank_set.problems])
    problems = _ownership_problems(session, bank_set, owner_id, origin)
    if problems:
        raise ImportRefused(problems)
    importer = _Importer(session, bank_set, prune, now or utcnow(), context, owner_id, origin)
    importer.frameworks_()
    importer.crosswalks()
    importer.banks()
    importer.tests()
    pools.bump(session)  # every process's kept pools are read again at their next start
    report = importer.report
    if report.changes:
        audit.record(session, "bank.imported", actor=by, now=importer.now, added=len(report.added),
                     changed=len(report.changed), restored=len(report.restored), retired=len(report.retired),
                     full_sync=prune)
    return report
