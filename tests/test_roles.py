"""The route x role matrix: every route in the URL map is checked for every kind of visitor.

A new route fails this test until its expected access is declared in ACCESS, so no page can be
added without deciding who may see it.
"""

from __future__ import annotations

import pytest
from flask import Flask

VISITORS = ["anonymous", "candidate", "other_candidate", "trainer", "employer", "other_employer", "admin"]
EVERYONE = set(VISITORS)
SIGNED_IN = EVERYONE - {"anonymous"}

# endpoint -> (method, path, visitors allowed, status for the allowed)
ACCESS: dict[str, tuple[str, str, set[str], int]] = {
    "main.index": ("GET", "/", {"anonymous"}, 200),  # signed-in visitors are redirected home
    "main.home": ("GET", "/home", SIGNED_IN, 302),
    "auth.sign_in": ("GET", "/sign-in", {"anonymous"}, 200),
    "auth.sign_up": ("GET", "/sign-up", {"anonymous"}, 200),
    "auth.sign_out": ("POST", "/sign-out", EVERYONE, 302),
    "candidate.home": ("GET", "/tests/", {"candidate", "other_candidate"}, 200),
    "trainer.home": ("GET", "/trainer/", {"trainer", "admin"}, 200),
    "employer.home": ("GET", "/employer/", {"employer", "other_employer"}, 200),
    "admin.home": ("GET", "/admin/", {"admin"}, 200),
    "healthz": ("GET", "/healthz", EVERYONE, 200),
}
PUBLIC_ASSETS = {"static", "assets.static"}


def test_every_route_is_in_the_matrix(app: Flask):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - PUBLIC_ASSETS
    assert endpoints == set(ACCESS), f"declare access for: {endpoints ^ set(ACCESS)}"


def _expected_refusal(visitor: str, endpoint: str) -> int:
    if visitor == "anonymous":
        return 302  # sent to sign in
    if endpoint in {"main.index", "auth.sign_in", "auth.sign_up"}:
        return 302  # already signed in: sent home
    return 403


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_access(client, auth, endpoint, visitor):
    method, path, allowed, status = ACCESS[endpoint]
    if visitor != "anonymous":
        auth.as_role(visitor)
    response = client.open(path, method=method)
    expected = status if visitor in allowed else _expected_refusal(visitor, endpoint)
    assert response.status_code == expected, f"{visitor} {method} {path}"
    if visitor == "anonymous" and expected == 302 and visitor not in allowed:
        assert "/sign-in" in response.headers["Location"]
