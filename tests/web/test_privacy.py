"""The privacy notice: public, linked from every page's footer, from sign-up and from the consent
screen an invitation shows; what it says employers see is, word for word, what the consent screen
says (one template, templates/shared/_employer_sees.html, and this test that they agree)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from quizapp.data.models import User
from quizapp.services import organisations
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of

SECTION = re.compile(r'<div class="app-employer-sees" id="employer-sees">(.*?)</div>', re.S)


def employer_sees(html: str, org_name: str) -> str:
    [section] = SECTION.findall(html)
    return " ".join(section.replace(org_name, "ORGANISATION").split())


def test_the_privacy_notice_is_public_and_linked_from_the_footer_and_sign_up(client):
    page = client.get("/privacy")
    check_page(page, title="Privacy notice")
    said = text_of(page)
    for words in ("What we keep", "Why we keep it", "How long we keep it", "Who sees it", "What you can do",
                  "730 days"):
        assert words in said
    for path in ("/", "/sign-in", "/sign-up"):
        assert 'href="/privacy"' in client.get(path).text
    assert "privacy notice" in text_of(client.get("/sign-up"))


def test_the_retention_period_shown_is_the_configured_one(app, client):
    app.config["RETENTION_DAYS"] = 400
    assert "400 days" in text_of(client.get("/privacy"))


def test_what_employers_see_is_the_same_on_the_privacy_notice_and_the_consent_screen(app, client, auth, users):
    with app.app_context():
        employer = db.session.get(User, users["employer"]["id"])
        invitation = organisations.create_invitation(db.session, employer.organisation, employer, datetime.now(UTC), 7)
        db.session.commit()
        code = invitation.code
    auth.as_role("other_candidate")  # in Org B, invited to Org A
    consent = client.get(f"/tests/join?code={code}")
    check_page(consent, title="Join Org A")
    assert 'href="/privacy"' in consent.text
    notice = client.get("/privacy").text
    assert employer_sees(consent.text, "Org A") == employer_sees(notice, "an organisation")
    assert "your answers to individual questions" in employer_sees(notice, "an organisation")
