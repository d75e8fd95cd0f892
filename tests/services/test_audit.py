"""The audit trail: the hash chain, `quizapp audit verify` catching each kind of tampering (the
tests edit the table directly, as someone with database access would), two writers never
forking the chain (SQLite and PostgreSQL), and the events recorded where they happen, with no
passwords in them."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from quizapp.data.db import make_sessionmaker
from quizapp.data.models import AuditEvent, User
from quizapp.services import accounts, audit, organisations
from quizapp.web.extensions import db
from tests.conftest import DB_KIND
from tests.helpers import PASSWORD
from tests.web.candidate.conftest import FIXTURE_BANKS

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def chain(app, n: int = 5) -> None:
    """n events on an empty trail (the fixture's users are not made here)."""
    with app.app_context():
        for i in range(n):
            audit.record(db.session, "role.changed", actor=1, user=2, now=NOW + timedelta(seconds=i), before="candidate",
                         after="trainer")
        db.session.commit()


def sql(app, statement: str, **params) -> None:
    with app.app_context():
        db.session.execute(text(statement), params)
        db.session.commit()


def verify(runner, *args: str):
    return runner.invoke(args=["audit", "verify", *args])


def test_an_untouched_chain_verifies_and_prints_its_newest_row(app, runner):
    chain(app)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "5 rows; the newest is row 5 with hash" in result.output
    assert "The chain is intact." in result.output
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert rows[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))


def test_an_empty_trail_verifies(runner):
    result = verify(runner)
    assert result.exit_code == 0 and "The audit trail is empty." in result.output


TAMPERING = {
    # what someone with database access did -> what verify must say
    "edited": ("UPDATE audit_events SET details = '{\"after\":\"admin\",\"before\":\"candidate\"}' WHERE seq = 3",
               ["row 3: its content does not match its hash (edited)"]),
    "edited date": ("UPDATE audit_events SET at = :later WHERE seq = 2",
                    ["row 2: its content does not match its hash (edited)"]),
    "deleted": ("DELETE FROM audit_events WHERE seq = 3",
                ["row 4: comes after row 2: row 3 missing (deleted)", "row 4: its previous hash is not the hash of row 2"]),
    "deleted first": ("DELETE FROM audit_events WHERE seq = 1",
                      ["row 2: comes after row 0: row 1 missing (deleted)"]),
    # an inserted row: the later rows renumbered to make room, the new row given a correct hash
    # of its own (SHA-256 is public) and the next row re-linked to it (prev_hash is unique, so
    # two rows cannot follow one): the re-linked row no longer matches its own hash.
    "inserted": ("forge", ["row 4: its content does not match its hash (edited)"]),
    "appended with a wrong hash": ("INSERT INTO audit_events (seq, at, event, actor_id, user_id, organisation_id, details,"
                                   " prev_hash, hash) VALUES (6, :later, 'role.changed', 1, 2, NULL, '{}', :fake, :fake2)",
                                   ["row 6: its previous hash is not the hash of row 5", "row 6: its content does not match its hash"]),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_verify_catches_each_kind_of_tampering(app, runner, case):
    chain(app)
    assert verify(runner).exit_code == 0
    statement, expected = TAMPERING[case]
    if statement == "forge":
        with app.app_context():
            for seq in (5, 4, 3):  # highest first: seq is the primary key
                db.session.execute(text("UPDATE audit_events SET seq = seq + 1 WHERE seq = :s"), {"s": seq})
            two = db.session.get(AuditEvent, 2)
            at = NOW + timedelta(seconds=30)
            forged = audit.row_hash(two.hash, 3, at, "role.changed", 1, 2, None, "{}")
            db.session.execute(text("UPDATE audit_events SET prev_hash = :h WHERE seq = 4"), {"h": forged})
            db.session.add(AuditEvent(seq=3, at=at, event="role.changed", actor_id=1, user_id=2, organisation_id=None,
                                      details="{}", prev_hash=two.hash, hash=forged))
            db.session.commit()
    else:
        sql(app, statement, later=(NOW + timedelta(days=1)).replace(tzinfo=None), fake="a" * 64, fake2="b" * 64)
    result = verify(runner)
    assert result.exit_code == 1, result.output
    for message in expected:
        assert message in result.output, result.output
    assert "The audit trail has been tampered with" in result.output


def test_removing_the_newest_rows_is_caught_against_a_noted_row(app, runner):
    chain(app)
    noted = verify(runner).output.split("--expect ")[1].split()[0]
    assert noted.startswith("5:")
    assert verify(runner, "--expect", noted).exit_code == 0
    sql(app, "DELETE FROM audit_events WHERE seq >= 4")
    assert verify(runner).exit_code == 0  # a shorter chain is still whole by itself...
    result = verify(runner, "--expect", noted)  # ...but not the one noted earlier
    assert result.exit_code == 1
    assert "row 5, noted earlier, is missing: the chain ends at row 3 (rows deleted)" in result.output


def test_verify_refuses_a_malformed_expect(runner):
    result = verify(runner, "--expect", "five")
    assert result.exit_code == 2 and "SEQ:HASH" in result.output


def test_a_second_row_after_the_same_row_is_refused(app):
    """Even a writer that skipped the lock cannot fork the chain: prev_hash is unique."""
    chain(app, 2)
    with app.app_context():
        two = db.session.get(AuditEvent, 2)
        db.session.add(AuditEvent(seq=9, at=NOW, event="role.changed", details="{}", prev_hash=two.prev_hash,
                                  hash="c" * 64))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_unknown_events_are_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        audit.record(db.session, "made.up")


# -- two writers ----------------------------------------------------------------------------------


def _write(engine, events: int, errors: list[BaseException], start: threading.Barrier) -> None:
    maker = make_sessionmaker(engine)
    try:
        start.wait()
        for _ in range(events):
            with maker() as session:
                audit.record(session, "sessions.ended", actor=1, user=1)
                session.commit()
    except BaseException as error:  # noqa: BLE001  (reported by the test)
        errors.append(error)


def test_writers_at_the_same_time_never_fork_the_chain(app, runner):
    """Four threads, each with its own connection, append 25 events each at once."""
    with app.app_context():
        engine = db.engine
    errors: list[BaseException] = []
    start = threading.Barrier(4)
    threads = [threading.Thread(target=_write, args=(engine, 25, errors, start)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 100
        assert db.session.scalar(select(func.max(AuditEvent.seq))) == 100
    assert verify(runner).exit_code == 0


@pytest.mark.skipif(DB_KIND != "postgresql", reason="PostgreSQL's lock (SQLite takes its write lock at BEGIN)")
def test_a_second_writer_waits_for_the_first_to_commit(app, runner):
    """Deterministic interleaving on PostgreSQL: writer A has appended but not committed; writer
    B starts appending and must wait (seen in pg_locks), then follow A's row. Without the lock,
    B would compute the same row number and previous hash as A, and fail."""
    with app.app_context():
        engine = db.engine
    maker = make_sessionmaker(engine)
    a = maker()
    audit.record(a, "sessions.ended", actor=1, user=1)
    errors: list[BaseException] = []
    b_done = threading.Event()

    def writer_b() -> None:
        try:
            with maker() as b:
                audit.record(b, "sessions.ended", actor=2, user=2)
                b.commit()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        b_done.set()

    thread = threading.Thread(target=writer_b)
    thread.start()
    with engine.connect() as watcher:
        waiting = 0
        while not waiting and not b_done.is_set():  # until B waits for a lock (A holds its own)
            waiting = watcher.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar()
            watcher.rollback()
    a.commit()
    a.close()
    thread.join()
    assert errors == []
    with app.app_context():
        rows = db.session.execute(select(AuditEvent.seq, AuditEvent.actor_id).order_by(AuditEvent.seq)).all()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 2)]
    assert verify(runner).exit_code == 0


# -- the events, where they happen ------------------------------------------------------------------


def events_of(app, event: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.seq)
        if event:
            query = query.where(AuditEvent.event == event)
        return list(db.session.scalars(query))


def test_sign_ins_are_recorded_without_the_password(app, client, auth, users):
    auth.sign_in(users["candidate"]["email"], "not-my-password-xyz")
    auth.sign_in("nobody@example.org", "another-secret-abc")
    auth.sign_in("typed-my-password-here", PASSWORD)  # a password typed into the address field
    auth.as_role("candidate")
    failed = events_of(app, "signin.failed")
    assert [(e.user_id, json.loads(e.details)["reason"]) for e in failed] == [
        (users["candidate"]["id"], "wrong password"), (None, "no account with this address"),
        (None, "no account with this address")]
    succeeded = events_of(app, "signin.succeeded")
    assert [(e.actor_id, e.user_id) for e in succeeded] == [(users["candidate"]["id"], users["candidate"]["id"])]
    assert json.loads(succeeded[0].details)["network"] == "127.0.0.0/24"  # the test client's, as a network
    assert {json.loads(e.details)["method"] for e in [*failed, *succeeded]} == {"password"}  # SSO's say "sso"
    everything = " ".join(f"{e.event} {e.details}" for e in events_of(app))
    for secret in ("not-my-password-xyz", "another-secret-abc", "typed-my-password-here", PASSWORD, "nobody@example.org"):
        assert secret not in everything


def test_organisation_events_are_recorded(app, client, auth, users):
    with app.app_context():
        org = accounts.get_or_create_organisation(db.session, "Org A")
        employer = db.session.get(User, users["employer"]["id"])
        invitation = organisations.create_invitation(db.session, org, employer, NOW, 7)
        candidate = db.session.get(User, users["other_candidate"]["id"])
        organisations.join(db.session, candidate, invitation, NOW)
        organisations.leave(db.session, candidate, NOW)
        organisations.revoke(invitation, NOW, by=employer)
        accounts.set_extra_time(db.session.get(User, users["candidate"]["id"]), 25, employer, NOW)
        db.session.commit()
        org_id, other_org = org.id, accounts.get_or_create_organisation(db.session, "Org B").id
    seen = [(e.event, e.organisation_id) for e in events_of(app) if e.seq > 0 and e.at == NOW]
    assert seen == [("invitation.created", org_id), ("organisation.left", other_org), ("organisation.joined", org_id),
                    ("organisation.left", org_id), ("invitation.withdrawn", org_id), ("extra_time.changed", org_id)]
    change = events_of(app, "extra_time.changed")[-1]
    assert json.loads(change.details) == {"percent": 25, "percent_before": 0}


def test_imports_and_rescores_are_recorded(app, runner):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0  # nothing changed: nothing recorded
    imported = events_of(app, "bank.imported")
    assert len(imported) == 1 and json.loads(imported[0].details)["added"] > 0
    assert verify(runner).exit_code == 0


def test_an_applied_rescore_is_recorded_with_the_old_and_new_score(app, client, auth, users, runner):
    from quizapp.services import rescore

    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    auth.as_role("candidate")
    start = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt_id = int(start.headers["Location"].split("/attempts/")[1].split("/")[0])
    assert client.post(f"/tests/attempts/{attempt_id}/submit").status_code == 302
    with app.app_context():
        change = rescore.Change(attempt_id=attempt_id, user_email=users["candidate"]["email"], title="Fixture mock",
                                old_percent=0.0, new_percent=12.5, old_passed=False, new_passed=False)
        rescore.apply(db.session, [change], by=users["admin"]["id"])
        db.session.commit()
    applied = events_of(app, "rescore.applied")
    assert len(applied) == 1
    assert (applied[0].actor_id, applied[0].user_id) == (users["admin"]["id"], users["candidate"]["id"])
    assert json.loads(applied[0].details)["attempt"] == attempt_id
    assert "percent_before" in json.loads(applied[0].details)


# -- no personal data in the trail: erasing an account leaves its rows as they are ------------------


def test_no_name_or_email_address_is_written_in_any_row(app, client, auth, users):
    """The changes that touch a name or an address, then every row is read: none holds either."""
    with app.app_context():
        user = accounts.create_user(db.session, "zebedee@old.example", PASSWORD, name="Zebedee Quartermain", now=NOW)
        accounts.change_name(user, "Zebedee Q Quartermain")
        accounts.confirm_email(db.session, user.id, "zebedee@new.example", NOW)
        db.session.commit()
    auth.sign_in("zebedee@new.example", "a-wrong-password-here")
    auth.sign_in("zebedee@new.example", PASSWORD)
    rows = " ".join(f"{e.event} {e.details}" for e in events_of(app))
    assert "email.changed" in rows
    for personal in ("zebedee", "Quartermain", "@", "127.0.0.1"):
        assert personal not in rows


@pytest.mark.parametrize("value", ["someone@example.org", "to: Someone <someone@example.org>"])
def test_a_row_with_an_email_address_is_refused(app, value):
    with app.app_context(), pytest.raises(ValueError, match="email address"):
        audit.record(db.session, "role.changed", actor=1, user=2, before=value, after="trainer")


@pytest.mark.parametrize(("ip", "network"), [("203.0.113.77", "203.0.113.0/24"), ("2001:db8:1:2::7", "2001:db8:1::/48"),
                                             ("::ffff:198.51.100.9", "198.51.100.0/24"), ("not an address", "unknown")])
def test_a_sign_in_is_recorded_with_its_network_only(ip, network):
    assert audit.network_of(ip) == network
