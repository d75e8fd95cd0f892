"""Erasing an account (quizapp/services/erasure.py): the person's data goes everywhere, their
answers stay as anonymous rows so the item analysis is unchanged, the audit chain stays whole and
holds nothing that says who they were, and the only administrator cannot be erased."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.data.models import (
    Attempt,
    AuditEvent,
    ExtraTimeChange,
    Invitation,
    Membership,
    Response,
    SigninFailures,
    StatementResult,
    TestForm,
    User,
    UserSession,
)
from quizapp.services import accounts, audit, erasure, item_analysis
from quizapp.services.administration import AdminError
from quizapp.services.cohort import CohortFilter
from quizapp.services.cohort_export import export_table
from quizapp.web.extensions import db
from tests.helpers import PASSWORD
from tests.personal_data_fixtures import NOW, fx, taken  # noqa: F401  (fixtures)

def analysis(app):
    with app.app_context():
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        result = item_analysis.analyse_test(db.session, test)
        return result.candidates, [(i.n, i.facility, i.discrimination) for i in result.items]


def test_erasure_deletes_the_person_and_keeps_their_answers_anonymous(app, users, taken):
    me = users["candidate"]
    before = analysis(app)
    assert before[0] == 2 and before[1]  # two candidates, with items
    with app.app_context():
        answers_before = db.session.scalar(select(func.count()).select_from(Response))
        user = db.session.get(User, me["id"])
        db.session.get(Attempt, taken["attempt"]).extra_time_minutes = 15  # extra time may be minutes
        db.session.flush()
        done = erasure.erase(db.session, user, now=NOW)
        db.session.commit()
    assert done.attempts_kept == 1
    with app.app_context():
        assert db.session.get(User, me["id"]) is None
        assert accounts.find_user(db.session, me["email"]) is None
        for model, column in ((Membership, Membership.user_id), (UserSession, UserSession.user_id),
                              (ExtraTimeChange, ExtraTimeChange.candidate_id)):
            assert db.session.scalar(select(func.count()).select_from(model).where(column == me["id"])) == 0
        assert db.session.scalar(select(func.count()).select_from(Invitation).where(Invitation.email == me["email"])) == 0
        assert db.session.get(SigninFailures, me["email"]) is None
        # The answers are all there, held by an anonymous stand-in with nothing of the person.
        assert db.session.scalar(select(func.count()).select_from(Response)) == answers_before
        attempt = db.session.get(Attempt, taken["attempt"])
        stand_in = db.session.get(User, attempt.user_id)
        assert stand_in.id == done.stand_in_id != me["id"]
        assert (stand_in.name, stand_in.erased_at is not None, stand_in.disabled_at is not None) == (
            erasure.ERASED_NAME, True, True)
        assert stand_in.email.endswith("@erased.invalid") and "candidate" not in stand_in.email
        assert (attempt.organisation_id, attempt.team_id, attempt.extra_time_percent,
                attempt.extra_time_minutes) == (None, None, 0, 0)
        assert db.session.scalar(select(func.count()).select_from(StatementResult)
                                 .where(StatementResult.attempt_id == attempt.id)) > 0
        # The employer's cohort export no longer lists them.
        table = export_table(db.session, CohortFilter(organisation_id=taken["org"]))
        assert me["email"] not in repr(table) and "Candidate" not in repr(table)
        # The chain is whole, and no row of it names the person.
        assert audit.verify(db.session).ok
        erased = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "account.erased"))
        assert (erased.user_id, erased.actor_id) == (me["id"], me["id"])
        left = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "organisation.left")).all()[-1]
        assert (left.user_id, left.organisation_id, left.details) == (me["id"], taken["org"], '{"reason":"account deleted"}')
        rows = " ".join(f"{e.details}" for e in db.session.scalars(select(AuditEvent)))
        assert me["email"] not in rows and "@" not in rows
    assert analysis(app) == before  # the item analysis counts the same candidates and answers


def test_an_erased_account_cannot_sign_in(app, client, auth, users, taken):
    with app.app_context():
        erasure.erase(db.session, db.session.get(User, users["candidate"]["id"]), now=NOW)
        db.session.commit()
    assert auth.sign_in(users["candidate"]["email"]).status_code == 200  # the sign-in page again
    with app.app_context():
        stand_in = db.session.scalar(select(User.email).where(User.erased_at.is_not(None)))
    for password in ("!", "", PASSWORD):  # nor can the anonymous stand-in, whatever is typed
        assert auth.sign_in(stand_in, password).status_code == 200


def test_the_only_administrator_cannot_be_erased(app, users):
    with app.app_context():
        admin = db.session.get(User, users["admin"]["id"])
        with pytest.raises(AdminError, match="only administrator"):
            erasure.erase(db.session, admin, now=NOW)
        db.session.rollback()
        assert db.session.get(User, users["admin"]["id"]) is not None


def test_an_account_without_attempts_leaves_no_stand_in(app, users):
    with app.app_context():
        people = db.session.scalar(select(func.count()).select_from(User))
        done = erasure.erase(db.session, db.session.get(User, users["trainer"]["id"]), now=NOW + timedelta(days=1))
        db.session.commit()
        assert done.stand_in_id is None
        assert db.session.scalar(select(func.count()).select_from(User)) == people - 1


def test_erasing_an_employer_keeps_what_they_did_without_their_name(app, users, taken):
    """The extra time they set and the invitations they made stay, saying no more who did it."""
    with app.app_context():
        erasure.erase(db.session, db.session.get(User, users["employer"]["id"]), now=NOW)
        db.session.commit()
        candidate = db.session.get(User, users["candidate"]["id"])
        assert (candidate.extra_time_percent, candidate.extra_time_set_by_id) == (25, None)
        change = db.session.scalar(select(ExtraTimeChange).where(ExtraTimeChange.candidate_id == candidate.id))
        assert (change.percent, change.set_by_id) == (25, None)
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
        assert db.session.scalar(select(Invitation.created_by_id)) is None
        assert candidate.organisation is not None  # the organisation and its people are untouched
