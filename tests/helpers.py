"""Test helpers: creating users, signing in, and one page checker used on every page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from quizapp.services import accounts
from quizapp.web.extensions import db

PASSWORD = "correct horse battery"  # 21 characters


def make_user(email: str, role: str, org: str | None, password: str = PASSWORD) -> dict:
    organisation = accounts.get_or_create_organisation(db.session, org) if org else None
    user = accounts.create_user(db.session, email, password, role=role, organisation=organisation,
                                name=email.split("@")[0].replace(".", " ").title())
    db.session.flush()
    return {"id": user.id, "email": email, "password": password, "role": role, "org": org}


class AuthActions:
    def __init__(self, client: FlaskClient, users: dict[str, dict]) -> None:
        self.client = client
        self.users = users

    def sign_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        return self.client.post("/sign-in", data={"email": email, "password": password})

    def as_role(self, who: str) -> dict:
        user = self.users[who]
        response = self.sign_in(user["email"], user["password"])
        assert response.status_code == 302, response.text
        return user

    def sign_out(self) -> TestResponse:
        return self.client.post("/sign-out")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.h1: list[str] = []
        self.title = ""
        self._in: list[str] = []
        self.error_links: list[str] = []
        self._in_error_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        classes = (attributes.get("class") or "").split()
        if "govuk-error-summary" in classes:
            self._in_error_summary += 1
        if tag == "a" and self._in_error_summary and attributes.get("href", "").startswith("#"):
            self.error_links.append(attributes["href"][1:])
        if self._in and self._in[-1] == "h1":
            self.h1[-1] += " "
        if tag in {"h1", "title"}:
            self._in.append(tag)
            if tag == "h1":
                self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if not self._in:
            return
        if self._in[-1] == "title":
            self.title += data
        elif self._in[-1] == "h1":
            self.h1[-1] += data


def check_page(response: TestResponse, status: int = 200, title: str | None = None) -> _PageParser:
    """Assert what every HTML page must have: the status, one h1, a title that matches the h1
    (the h1 may go on, as a question's does: "Question 3 of 30" then the question), "Error: "
    first when the page shows errors, unique ids, and error-summary links to real ids."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text[:500]}"
    page = _PageParser()
    page.feed(response.get_data(as_text=True))
    assert len(page.h1) == 1, f"expected one h1, found {page.h1}"
    h1 = " ".join(page.h1[0].split())
    page_title = " ".join(page.title.split())
    title_main = page_title.removeprefix("Error: ").rsplit(" – ", 1)[0]
    assert h1.startswith(title_main) or title_main.startswith(h1), f"title {page_title!r} does not match h1 {h1!r}"
    if title is not None:
        assert h1 == title, f"h1 is {h1!r}, expected {title!r}"
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for target in page.error_links:
        assert target in page.ids, f"error summary links to #{target}, which is not on the page"
    if page.error_links:
        assert page_title.startswith("Error: "), "a page with errors must say so in its title"
    return page


def text_of(response: TestResponse) -> str:
    """The page's visible text, whitespace collapsed (for 'the page says X' assertions)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs (SQLAlchemy's
    `before_cursor_execute` event: deterministic, unlike timing)."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
