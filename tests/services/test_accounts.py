"""Account rules (Flask-free module quizapp.services.accounts)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.services import accounts
from quizapp.web.extensions import db
from quizapp.data.models import SigninFailures, User
from quizapp.data.models._types import utcnow


@pytest.mark.parametrize(
    ("length", "ok"), [(11, False), (12, True), (40, True), (64, True), (65, False)]
)
def test_password_length_rules(session, length, ok):
    password = "a" * (length - 1) + "b"
    if ok:
        user = accounts.create_user(session, f"p{length}@example.org", password)
        assert user.password_hash.startswith("scrypt:")
        assert password not in user.password_hash
    else:
        with pytest.raises(accounts.AccountError, match="characters"):
            accounts.create_user(session, f"p{length}@example.org", password)


def test_email_is_normalised_and_unique(session):
    accounts.create_user(session, "  Someone@Example.ORG ", "a long enough password")
    assert session.query(User).one().email == "someone@example.org"
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_user(session, "someone@example.org", "another long password")


@pytest.mark.parametrize("email", ["", "no-at-sign", "two@@example.org", "a@b", "space in@example.org"])
def test_bad_email_refused(session, email):
    with pytest.raises(accounts.AccountError, match="correct format"):
        accounts.create_user(session, email, "a long enough password")


def test_unknown_role_refused(session):
    with pytest.raises(accounts.AccountError, match="Role must be"):
        accounts.create_user(session, "x@example.org", "a long enough password", role="superuser")


def test_organisation_membership(session):
    org = accounts.get_or_create_organisation(session, "  Anytown   Council ")
    assert org.name == "Anytown Council"
    assert accounts.get_or_create_organisation(session, "anytown council").id == org.id
    user = accounts.create_user(session, "x@example.org", "a long enough password", organisation=org)
    session.commit()
    session.refresh(user)
    assert user.organisation is not None and user.organisation.name == "Anytown Council"


def _auth(session, email, password, now=None):
    return accounts.authenticate(session, email, password, threshold=3, lockout=timedelta(minutes=15), now=now)


def test_authenticate_success_and_failure(session):
    accounts.create_user(session, "x@example.org", "a long enough password")
    assert _auth(session, "X@example.org", "a long enough password").user is not None
    assert _auth(session, "x@example.org", "wrong password!!").user is None


@pytest.mark.parametrize("exists", [True, False])
def test_lockout_after_threshold_looks_the_same_for_unknown_addresses(session, exists):
    if exists:
        accounts.create_user(session, "x@example.org", "a long enough password")
    now = utcnow()
    results = [_auth(session, "x@example.org", "wrong password!!", now) for _ in range(3)]
    assert [r.locked_until is not None for r in results] == [False, False, True]
    # While locked, even the right password is refused, and the answer is the same either way.
    locked = _auth(session, "x@example.org", "a long enough password", now + timedelta(minutes=1))
    assert locked.user is None and locked.locked_until == now + timedelta(minutes=15)
    # After the lockout the right password works again (for a real account).
    later = _auth(session, "x@example.org", "a long enough password", now + timedelta(minutes=16))
    assert (later.user is not None) is exists


def test_success_clears_failure_count(session):
    accounts.create_user(session, "x@example.org", "a long enough password")
    _auth(session, "x@example.org", "wrong password!!")
    _auth(session, "x@example.org", "wrong password!!")
    assert _auth(session, "x@example.org", "a long enough password").user is not None
    session.flush()
    assert session.get(SigninFailures, "x@example.org") is None


def test_set_password_ends_other_sessions(session):
    user = accounts.create_user(session, "x@example.org", "a long enough password")
    token = user.session_token
    accounts.set_password(user, "a brand new password")
    assert user.session_token != token
    with pytest.raises(accounts.AccountError):
        accounts.set_password(user, "short")


def test_db_session_is_bound_to_the_test_database(app, session):
    from sqlalchemy import make_url

    assert db.engine.url == make_url(app.config["DATABASE_URL"])
