"""A candidate with no account follows an employer's invitation link: sign in → create an account
→ back on the invitation's join page (what the employer will see) → joins. The `next` that carries
the invitation through sign-in and sign-up is a same-site path only."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Membership, User
from tests.helpers import PASSWORD, check_page, text_of

from tests.web.employer.test_dashboard import table


def _links(response) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', response.get_data(as_text=True))]


def _form_action(response) -> str:
    return html.unescape(re.search(r'<form method="post" action="([^"]+)"', response.get_data(as_text=True)).group(1))


def test_a_signed_out_candidate_signs_up_from_an_invitation_link_and_joins(client, auth, users, cohort, app, mailbox):
    # The employer creates an invitation for the team Blue and copies its link.
    auth.as_role("employer")
    assert client.post("/employer/invitations", data={"team": str(cohort["blue"]), "days": "7"}).status_code == 302
    link = table(client.get("/employer/invitations"), "Invitations to Org A")[1][1]
    auth.sign_out()
    path = urlsplit(link).path + "?" + urlsplit(link).query
    assert path.startswith("/tests/join?code=")

    # Signed out, the link sends the candidate to sign in, remembering the join page.
    to_sign_in = client.get(path)
    assert to_sign_in.status_code == 302
    sign_in_url = to_sign_in.headers["Location"]
    assert urlsplit(sign_in_url).path == "/sign-in"
    assert parse_qs(urlsplit(sign_in_url).query)["next"] == [path]

    # They have no account: "Create an account" keeps the join page.
    sign_in_page = client.get(sign_in_url)
    check_page(sign_in_page, title="Sign in")
    create = next(h for h in _links(sign_in_page) if h.startswith("/sign-up") and "next=" in h)
    assert parse_qs(urlsplit(create).query)["next"] == [path]
    sign_up_page = client.get(create)
    check_page(sign_up_page, title="Create an account")
    assert "you will see your employer's invitation" in text_of(sign_up_page)
    action = _form_action(sign_up_page)
    assert parse_qs(urlsplit(action).query)["next"] == [path]

    # A mistake on the form keeps it too.
    wrong = client.post(action, data={"name": "Hana Hale", "email": "hana@example.org", "password": PASSWORD, "confirm": "x"})
    check_page(wrong, title="Create an account")
    assert parse_qs(urlsplit(_form_action(wrong)).query)["next"] == [path]

    created = client.post(action, data={"name": "Hana Hale", "email": "hana@example.org", "password": PASSWORD,
                                        "confirm": PASSWORD})
    check_page(created, title="Check your email")

    # The link in the email confirms the address and carries the join page through sign-in.
    confirm = mailbox.only_to("hana@example.org").link("/confirm-email/").removeprefix("http://localhost")
    to_sign_in = client.get(confirm)
    assert to_sign_in.status_code == 302
    assert parse_qs(urlsplit(to_sign_in.headers["Location"]).query)["next"] == [path]
    signed_in = client.post(to_sign_in.headers["Location"], data={"email": "hana@example.org", "password": PASSWORD})
    assert signed_in.headers["Location"] == path

    # The join page: exactly what the employer will see, and nothing has changed yet.
    join_page = client.get(path)
    check_page(join_page, title="Join Org A")
    text = text_of(join_page)
    assert "You have been invited to join Org A, in the team Blue." in text
    assert "your answers to individual questions" in text
    with app.app_context():
        hana = db.session.scalar(select(User).where(User.email == "hana@example.org"))
        assert hana.role == "candidate" and hana.current_membership is None
        hana_id = hana.id

    code = parse_qs(urlsplit(path).query)["code"][0]
    joined = client.post("/tests/join", data={"code": code})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/tests/organisation")
    assert "You have joined Org A, in the team Blue" in text_of(client.get("/tests/organisation"))
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.user_id == hana_id, Membership.left_at.is_(None)))
        assert membership.organisation_id == cohort["org_a"] and membership.team_id == cohort["blue"]


def test_an_existing_candidate_signs_in_from_an_invitation_link(client, auth, users, cohort, app):
    path = "/tests/join?code=ABCD-EFGH-JKLM"
    sign_in_url = client.get(path).headers["Location"]
    response = client.post(sign_in_url, data={"email": users["other_candidate"]["email"], "password": PASSWORD})
    assert response.headers["Location"] == path
    auth.sign_out()
    # The header's links carry it too (a candidate may use them instead of the page's).
    page = client.get("/sign-up", query_string={"next": path})
    assert len([h for h in _links(page) if h.startswith("/sign-in?next=")]) == 2  # header and page
