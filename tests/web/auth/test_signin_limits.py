"""Sign-in and sign-up limits with the rate limiter on, at their default settings: a training
room behind one address signs in, failed sign-ins from one address are limited (the limit counts
failures, not successes), the per-account lockout still works, and one address cannot create
accounts without end."""

from __future__ import annotations

import pytest

from quizapp import config, create_app
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, check_page, make_user, text_of

ROOM = "10.20.30.40"  # one office or classroom: every request comes from this address


@pytest.fixture
def limited(app_config, tmp_path, monkeypatch):
    """The app with the limiter on and the limits as shipped (nothing from the environment)."""
    for name in ("QUIZAPP_SIGNIN_RATE_LIMIT", "QUIZAPP_SIGNUP_RATE_LIMIT", "QUIZAPP_RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    yield app
    app.extensions["quizapp_db"].dispose()


def _people(app, n: int, prefix: str = "learner") -> list[str]:
    with app.app_context():
        emails = [make_user(f"{prefix}{i}@room.example", "candidate", "Room Org")["email"] for i in range(n)]
        db.session.commit()
    return emails


def _sign_in(app, email: str, password: str = PASSWORD, address: str = ROOM):
    return app.test_client().post("/sign-in", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def test_the_shipped_limits():
    settings = config.from_environment("/tmp/unused-instance")
    assert settings["SIGNIN_RATE_LIMIT"] == "300 per minute"
    assert settings["SIGNUP_RATE_LIMIT"] == "100 per hour"


def test_a_training_room_of_30_signs_in_from_one_address(limited):
    emails = _people(limited, 30)
    codes = [_sign_in(limited, email).status_code for email in emails]
    assert codes == [302] * 30
    # and again after signing out (a second session in the same minute)
    assert [_sign_in(limited, email).status_code for email in emails] == [302] * 30


def test_failed_sign_ins_from_one_address_are_limited_to_300_a_minute(limited):
    emails = _people(limited, 30)
    for email in emails:  # 300 failures, 10 for each account (which locks it)
        for _ in range(10):
            response = _sign_in(limited, email, "not the password")
            assert response.status_code == 200 and "Sign in" in text_of(response)
    page = _sign_in(limited, emails[0], "not the password")
    check_page(page, status=429, title="Too many attempts")
    assert "Traceback" not in page.text
    assert "too many failed sign-ins from your network" in text_of(page)
    assert "Wait a minute, then try again" in text_of(page)
    # Everyone behind that address waits, a person elsewhere does not.
    [newcomer] = _people(limited, 1, prefix="elsewhere")
    assert _sign_in(limited, newcomer).status_code == 429
    assert _sign_in(limited, newcomer, address="10.99.0.1").status_code == 302


def test_the_per_account_lockout_still_works_with_the_limiter_on(limited):
    victim, colleague = _people(limited, 2)
    for _ in range(10):
        assert _sign_in(limited, victim, "guessing").status_code == 200
    locked = _sign_in(limited, victim)  # the right password, but the account is locked
    assert locked.status_code == 200
    assert "too many failed attempts to sign in with these details" in text_of(locked)
    assert _sign_in(limited, colleague).status_code == 302  # the address is not blocked by it


def test_one_address_cannot_create_accounts_without_end(limited):
    def sign_up(i: int):
        return limited.test_client().post(
            "/sign-up", environ_base={"REMOTE_ADDR": ROOM},
            data={"name": f"Learner {i}", "email": f"new{i}@room.example", "password": PASSWORD, "confirm": PASSWORD})

    assert [sign_up(i).status_code for i in range(100)] == [200] * 100
    page = sign_up(100)
    check_page(page, status=429, title="Too many attempts")
    assert "too many accounts created from your network" in text_of(page)
    assert "Wait an hour, then try again" in text_of(page)


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_load_balancer_each_candidate_has_their_own_limit(app_config, tmp_path, monkeypatch, proxies):
    """Behind a load balancer every request comes from its address: with QUIZAPP_TRUSTED_PROXIES=1
    the limit is per candidate's address (the balancer's X-Forwarded-For); unset, that header is
    ignored, so no one can dodge the limit by sending it."""
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZAPP_TRUSTED_PROXIES", str(proxies))
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "SIGNIN_RATE_LIMIT": "3 per minute"})
    [email] = _people(app, 1)

    def attempt(client_address: str, password: str = "not the password"):
        return app.test_client().post("/sign-in", data={"email": email, "password": password},
                                      environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the balancer
                                      headers={"X-Forwarded-For": client_address})

    assert [attempt("203.0.113.5").status_code for _ in range(3)] == [200] * 3
    assert attempt("203.0.113.5").status_code == 429
    # someone else behind the same balancer
    assert attempt("198.51.100.7", PASSWORD).status_code == (302 if proxies else 429)
    app.extensions["quizapp_db"].dispose()
