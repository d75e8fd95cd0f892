"""The audit trail, free of Flask: recording an event, checking the chain, and reading events back.

Every event that matters for security or for an appeal is one row of `audit_events` (the names
and their wording are in EVENTS). Each row holds the SHA-256 of the previous row (`prev_hash`) and
its own (`hash`, over the previous hash and the row's canonical content), and rows are numbered
1, 2, 3 ... without gaps, so `verify` finds a row edited (its hash no longer matches its content),
deleted (a gap, and the next row's `prev_hash` matches nothing) or inserted (the row after it no
longer follows it). Removing the newest rows leaves a shorter chain that is still whole: `verify`
prints the newest row's number and hash so that a copy kept elsewhere can show it (`--expect`).

Appending is serialised so that two writers never fork the chain: on PostgreSQL a transaction
advisory lock, held to the end of the writer's transaction; on SQLite the write lock every
writing transaction of the app already holds (`BEGIN IMMEDIATE`). Unique `prev_hash` and `seq`
refuse a fork even if a writer skipped the lock.

No answers, passwords, tokens, names or email addresses go in: a row names people and
organisations only by id, and `details` holds only what the event needs (the old and new role, an
invitation's id, a bank import's counts, the network a sign-in came from, never the full address).
`record` refuses details that hold an email address. So erasing an account (services/erasure.py)
deletes the person's data everywhere else and leaves their rows here untouched, the chain whole:
what stays is "account 42 signed in from 203.0.113.0/24", with nothing left that says who 42 was.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from quizapp.data.models import AuditEvent, Organisation, User
from quizapp.data.models._types import utcnow

EMAIL_LIKE = re.compile(r"[^\s@]+@[^\s@]+")  # what `record` refuses in details
GENESIS = "0" * 64  # the previous hash of row 1
PG_LOCK_KEY = 0x7175697A61756469  # "quizaudi": the advisory lock that serialises appends on PostgreSQL

# Every event that is recorded, with what the audit pages call it.
EVENTS: dict[str, str] = {
    "signin.succeeded": "Signed in",
    "signin.failed": "Sign-in failed",
    "account.created": "Account created",
    "account.disabled": "Account disabled",
    "account.enabled": "Account enabled again",
    "role.changed": "Role changed",
    "name.changed": "Name changed",
    "password.changed": "Password changed",
    "email.changed": "Email address changed",
    "email.confirmed": "Email address confirmed",
    "sessions.ended": "Sessions ended",
    "organisation.created": "Organisation created",
    "organisation.renamed": "Organisation renamed",
    "organisation.joined": "Joined an organisation",
    "organisation.left": "Left an organisation",
    "invitation.created": "Invitation created",
    "invitation.sent": "Invitation sent by email",
    "invitation.withdrawn": "Invitation withdrawn",
    "extra_time.changed": "Extra time changed",
    "bank.imported": "Question banks imported",
    "content.retired": "Question content retired",
    "content.restored": "Question content restored",
    "rescore.applied": "Rescore applied",
    "pass_mark.applied": "Pass mark set by a standard-setting panel",
    "data.downloaded": "Personal data downloaded",
    "account.erased": "Account deleted (personal data erased)",
    "data.purged": "Old data purged (retention)",
    "sso.configured": "Single sign-on set up or changed",
    "sso.linked": "Organisation sign-in linked to an account",
}

# Events an employer sees on its own audit page (those about its organisation and its people in it).
ORGANISATION_EVENTS = ("organisation.created", "organisation.renamed", "organisation.joined", "organisation.left",
                       "invitation.created", "invitation.sent", "invitation.withdrawn", "extra_time.changed")


def _canonical(seq: int, at: datetime, event: str, actor_id: int | None, user_id: int | None,
               organisation_id: int | None, details: str) -> str:
    """The row's content as hashed: a fixed order, the details as stored."""
    return json.dumps(
        [seq, at.astimezone(UTC).isoformat(timespec="microseconds"), event, actor_id, user_id, organisation_id, details],
        ensure_ascii=False, separators=(",", ":"),
    )


def row_hash(prev_hash: str, seq: int, at: datetime, event: str, actor_id: int | None, user_id: int | None,
             organisation_id: int | None, details: str) -> str:
    content = _canonical(seq, at, event, actor_id, user_id, organisation_id, details)
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(PG_LOCK_KEY)))
    # SQLite: the caller's transaction began IMMEDIATE (the app's default for writes), so it
    # already holds the database's only write lock.


def record(session: Session, event: str, *, actor: User | int | None = None, user: User | int | None = None,
           organisation: Organisation | int | None = None, now: datetime | None = None, **details: Any) -> AuditEvent:
    """Append an event in the caller's transaction (it is kept only if that transaction commits).

    `actor` did it, `user` is the account it concerns, `organisation` the organisation it
    concerns (an employer sees those); `details` are small JSON values, never secrets."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    _refuse_personal_data(details)
    _lock_chain(session)
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last is not None else (1, GENESIS)
    at = (now or utcnow()).astimezone(UTC)
    row = AuditEvent(
        seq=seq, at=at, event=event, actor_id=_id(actor), user_id=_id(user), organisation_id=_id(organisation),
        details=json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str),
        prev_hash=prev_hash,
    )
    row.hash = row_hash(prev_hash, seq, at, event, row.actor_id, row.user_id, row.organisation_id, row.details)
    session.add(row)
    session.flush()
    return row


def _refuse_personal_data(details: dict[str, Any]) -> None:
    """Rows cannot be changed once written, so an email address in one could never be erased."""
    for key, value in details.items():
        if isinstance(value, str) and EMAIL_LIKE.search(value):
            raise ValueError(f"audit detail {key!r} looks like an email address: rows name people by id only")


def network_of(ip: str) -> str:
    """The network an address is in (IPv4 /24, IPv6 /48): enough to see where sign-ins come
    from, not which device, so the trail keeps no one's exact address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _id(thing: Any) -> int | None:
    if thing is None or isinstance(thing, int):
        return thing
    return thing.id


# -- checking the chain -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    rows: int
    problems: list[str]
    last_seq: int | None
    last_hash: str | None

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(session: Session, batch: int = 1000) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def verify(session: Session, expect: tuple[int, str] | None = None) -> Verification:
    """Walk the chain from row 1 and say what does not hold. `expect` is a (seq, hash) noted
    earlier (what `verify` printed then): that row must still be there with that hash."""
    problems: list[str] = []
    count = 0
    prev_seq, prev_hash = 0, GENESIS
    expected_seen = False
    for row in _rows(session):
        count += 1
        if row.seq != prev_seq + 1:
            missing = f"row {prev_seq + 1}" if row.seq == prev_seq + 2 else f"rows {prev_seq + 1} to {row.seq - 1}"
            problems.append(f"row {row.seq}: comes after row {prev_seq}: {missing} missing (deleted)")
        if row.prev_hash != prev_hash:
            problems.append(f"row {row.seq}: its previous hash is not the hash of row {prev_seq} "
                            "(a row before it was deleted, inserted or replaced)")
        recomputed = row_hash(row.prev_hash, row.seq, row.at, row.event, row.actor_id, row.user_id,
                              row.organisation_id, row.details)
        if recomputed != row.hash:
            problems.append(f"row {row.seq}: its content does not match its hash (edited)")
        if expect is not None and row.seq == expect[0]:
            expected_seen = True
            if row.hash != expect[1]:
                problems.append(f"row {row.seq}: its hash is not the one noted earlier ({expect[1][:12]}...)")
        prev_seq, prev_hash = row.seq, row.hash
    if expect is not None and not expected_seen:
        problems.append(f"row {expect[0]}, noted earlier, is missing: the chain ends at row {prev_seq} (rows deleted)")
    return Verification(rows=count, problems=problems, last_seq=prev_seq or None,
                        last_hash=prev_hash if prev_seq else None)


# -- reading events back (the audit pages) -----------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    event: str | None = None
    person: str | None = None  # part of a name or email address: the actor or the account concerned
    organisation_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class EventRow:
    seq: int
    at: datetime
    event: str
    label: str
    actor: str | None
    user: str | None
    organisation: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]
    page: int
    pages: int
    total: int


def _describe(user: User | None, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    if user is None:
        return f"Deleted account {user_id}"
    return f"{user.name} ({user.email})"


def events(session: Session, filters: Filters, *, page: int = 1, per_page: int = 50,
           only_organisation: int | None = None) -> EventPage:
    """Events newest first, one page of them. `only_organisation` (the employer's pages) keeps
    the organisation's own events and nothing else, whatever the filters say."""
    query = select(AuditEvent)
    if only_organisation is not None:
        query = query.where(AuditEvent.organisation_id == only_organisation, AuditEvent.event.in_(ORGANISATION_EVENTS))
    elif filters.organisation_id is not None:
        query = query.where(AuditEvent.organisation_id == filters.organisation_id)
    if filters.event:
        query = query.where(AuditEvent.event == filters.event)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    if filters.person:
        pattern = f"%{filters.person.strip().lower()}%"
        people = select(User.id).where(or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern)))
        query = query.where(or_(AuditEvent.actor_id.in_(people), AuditEvent.user_id.in_(people)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = session.scalars(query.order_by(AuditEvent.seq.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    user_ids = {i for row in found for i in (row.actor_id, row.user_id) if i is not None}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    org_ids = {row.organisation_id for row in found if row.organisation_id is not None}
    orgs = ({o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))}
            if org_ids else {})
    rows = [
        EventRow(
            seq=row.seq, at=row.at, event=row.event, label=EVENTS.get(row.event, row.event),
            actor=_describe(users.get(row.actor_id or 0), row.actor_id),
            user=_describe(users.get(row.user_id or 0), row.user_id),
            organisation=(orgs.get(row.organisation_id, f"Deleted organisation {row.organisation_id}")
                          if row.organisation_id is not None else None),
            details=json.loads(row.details or "{}"),
        )
        for row in found
    ]
    return EventPage(rows=rows, page=page, pages=pages, total=total)
