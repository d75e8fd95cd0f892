"""Invitations by email: the employer pastes addresses or uploads a CSV of them, each address gets
its own invitation by email (read from a real SMTP server), the invitations page shows sent,
joined and expired ones and can send one again, and an emailed invitation works once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.web.extensions import db
from quizapp.data.models import AuditEvent, Invitation, User
from quizapp.data.models._types import utcnow
from tests.helpers import PASSWORD, check_page, make_user, text_of

from .test_dashboard import table


@pytest.fixture
def employer(client, auth, cohort):
    auth.as_role("employer")
    return cohort


def _send(client, addresses="", csv: bytes | None = None, team="", days="7"):
    data = {"email-addresses": addresses, "email-team": team, "email-days": days}
    if csv is not None:
        data["email-file"] = (io.BytesIO(csv), "people.csv")
    return client.post("/employer/invitations/email", data=data, content_type="multipart/form-data")


def _rows(client):
    return {r[6].split()[0]: r for r in table(client.get("/employer/invitations"), "Invitations to Org A")[1:] if r[6] != "-"}


def test_pasted_and_uploaded_addresses_each_get_an_invitation(app, client, employer, mailbox):
    csv = b"\xef\xbb\xbfname,email\nCara Lee,cara@council.example\nDev Roy,\"dev@council.example\"\n"
    response = _send(client, "ash@council.example, Bo <bo@council.example>\nash@council.example", csv,
                     team=str(employer["blue"]))
    assert response.status_code == 302
    page = client.get("/employer/invitations")
    check_page(page, title="Invitations")
    assert "Invitations sent to 4 email addresses" in text_of(page)
    for address in ("ash@council.example", "bo@council.example", "cara@council.example", "dev@council.example"):
        received = mailbox.only_to(address)
        assert received.subject == "Org A invites you to Social work practice tests"
        assert "Employer at Org A invites you to join Org A (Blue)" in received.text
        link = received.link("/tests/join?code=")
        code = link.split("code=")[1]
        assert f"enter the invitation code {code}" in received.text
        row = _rows(client)[address]
        assert row[0] == code and row[2] == "Blue" and row[4] == "Sent"


def test_an_emailed_invitation_is_joined_once_and_shows_as_joined(app, client, auth, employer, mailbox):
    _send(client, "hana@example.org")
    link = mailbox.only_to("hana@example.org").link("/tests/join?code=").removeprefix("http://localhost")
    auth.sign_out()
    with app.app_context():
        make_user("hana@example.org", "candidate", None)
        make_user("someone.else@example.org", "candidate", None)
        db.session.commit()
    auth.sign_in("hana@example.org")
    check_page(client.get(link), title="Join Org A")
    assert client.post("/tests/join", data={"code": link.split("code=")[1]}).status_code == 302
    auth.sign_out()
    auth.sign_in("someone.else@example.org")
    again = client.get(link)
    assert "This invitation to Org A has already been used" in text_of(again)
    auth.sign_out()
    auth.as_role("employer")
    row = _rows(client)["hana@example.org"]
    assert row[4] == "Joined" and row[5] == "1"
    assert "Resend" not in " ".join(row)


def test_resend_sends_the_same_invitation_again(app, client, employer, mailbox):
    _send(client, "ola@example.org")
    [invitation_id] = app_ids(app)
    assert client.post(f"/employer/invitations/{invitation_id}/resend").status_code == 302
    first, second = mailbox.to("ola@example.org")
    assert first.links() == second.links()
    with app.app_context():
        sent = db.session.execute(select(AuditEvent.event, AuditEvent.actor_id, AuditEvent.details)
                                  .where(AuditEvent.event == "invitation.sent").order_by(AuditEvent.seq)).all()
    assert [(e, actor) for e, actor, _ in sent] == [("invitation.sent", employer_id(app))] * 2
    assert '"times":2' in sent[1][2] and "ola@example.org" not in sent[1][2]  # no address in the trail
    assert "Invitation sent again to ola@example.org" in text_of(client.get("/employer/invitations"))
    assert "(2 times)" in _rows(client)["ola@example.org"][6]


def test_an_expired_emailed_invitation_shows_as_expired_and_cannot_be_resent(app, client, employer, mailbox):
    _send(client, "late@example.org", days="7")
    [invitation_id] = app_ids(app)
    app.config["CLOCK"] = lambda: utcnow() + timedelta(days=8)
    assert _rows(client)["late@example.org"][4] == "Expired"
    client.post(f"/employer/invitations/{invitation_id}/resend")
    assert len(mailbox.to("late@example.org")) == 1


@pytest.mark.parametrize(("addresses", "csv", "field", "message"), [
    ("", None, "email-addresses", "Enter at least one email address"),
    ("good@example.org, not-an@address", None, "email-addresses", "These are not email addresses: not-an@address"),
    ("", b"\xff\xfe\x00bad", "email-file", "saved as UTF-8 text"),
])
def test_mistakes_are_named_and_nothing_is_sent(app, client, employer, mailbox, addresses, csv, field, message):
    response = _send(client, addresses, csv)
    page = check_page(response, title="Invitations")
    assert field in page.error_links and message in text_of(response)
    assert mailbox.messages == []
    assert app_ids(app) == []


def test_another_organisations_invitation_cannot_be_resent(client, auth, employer, app, mailbox):
    _send(client, "mine@example.org")
    [invitation_id] = app_ids(app)
    auth.sign_out()
    auth.as_role("other_employer")
    assert client.post(f"/employer/invitations/{invitation_id}/resend").status_code == 404
    assert len(mailbox.to("mine@example.org")) == 1


def app_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Invitation.id).where(Invitation.email.is_not(None)).order_by(Invitation.id)))


def test_each_invitation_emailed_is_in_the_organisations_audit_trail(app, client, employer, mailbox):
    from quizapp.data.models import AuditEvent

    _send(client, "ola@example.org")
    [invitation_id] = app_ids(app)
    client.post(f"/employer/invitations/{invitation_id}/resend")
    with app.app_context():
        sent = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "invitation.sent")
                                  .order_by(AuditEvent.seq)).all()
        assert [e.organisation_id for e in sent] == [employer["org_a"]] * 2
        assert all(e.actor_id is not None for e in sent)
    audit_page = text_of(client.get("/employer/audit"))
    assert "Invitation sent by email" in audit_page and "times: 2" in audit_page


def employer_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "employer@a.example"))
