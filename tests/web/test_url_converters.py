"""Numbers in URLs are bounded to what a row id can be (quizapp/web/url_converters.py): a number
too large for the database's integers is "Page not found" on every route, never a 500 from the
database driver (found by trying /tests/attempts/99999999999999999999999/questions/1/autosave)."""

from __future__ import annotations

import re

import pytest

from quizapp.web.url_converters import MAX_ID, as_row_id

TOO_LARGE = MAX_ID + 1


def _routes_with_numbers(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(endpoint, method, path) of every route with a number, the number too large."""
    out = []
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", str(TOO_LARGE), rule.rule))
            out.append((rule.endpoint, "GET" if "GET" in rule.methods else "POST", path))
    return sorted(out)


@pytest.mark.parametrize("role", ["candidate", "trainer", "employer", "admin"])
def test_a_number_too_large_for_any_row_is_not_found_on_every_route(app, client, auth, role):
    auth.as_role(role)
    routes = _routes_with_numbers(app)
    assert len(routes) > 20
    for endpoint, method, path in routes:
        response = client.open(path, method=method)
        # (405 where a route for another method has the same path: Werkzeug checks the method first)
        assert response.status_code in (404, 405), (endpoint, path, response.status_code)


def test_the_largest_row_id_is_still_a_number(app, client, auth):
    auth.as_role("candidate")
    assert client.get(f"/tests/attempts/{MAX_ID}/questions/1").status_code == 404  # no such attempt, no 500


HUGE = "99999999999"  # more than any id column holds (PostgreSQL's: 2**31 - 1)

# (role, method, path, form): numbers typed into queries and forms that name rows
TYPED_NUMBERS = [
    ("employer", "POST", "/employer/candidates/team", {"team": HUGE, "candidates": HUGE}),
    ("employer", "POST", "/employer/candidates/team", {"team": "", "candidates": HUGE}),
    ("employer", "POST", "/employer/candidates/{candidate}/team", {"team": HUGE}),
    ("employer", "GET", f"/employer/audit?page={HUGE}", None),
    ("admin", "GET", f"/admin/audit?organisation={HUGE}&page={HUGE}", None),
    ("trainer", "GET", f"/trainer/items/no-such-item/preview?version={HUGE}", None),
]


@pytest.mark.parametrize(("role", "method", "path", "form"), TYPED_NUMBERS)
def test_a_typed_number_larger_than_any_id_finds_nothing(app, client, auth, users, role, method, path, form):
    """Each was "integer out of range" from PostgreSQL (a 500) before these numbers were read
    with url_converters.as_row_id."""
    auth.as_role(role)
    response = client.open(path.format(candidate=users["candidate"]["id"]), method=method, data=form)
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize(("text", "row"), [("12", 12), ("0", 0), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
                                           ("", None), (None, None), ("-1", None), ("1.5", None), ("١٢", None),
                                           ("99999999999999999999999", None)])
def test_as_row_id(text, row):
    assert as_row_id(text) == row
