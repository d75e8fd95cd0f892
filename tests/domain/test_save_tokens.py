"""quizapp.domain.save_tokens: the token that authenticates the answer autosave."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain import save_tokens

KEY = "a secret key"
NOW = 1_800_000_000
GOOD = {"attempt_id": 7, "user_id": 3, "session_token": "abc123", "now": NOW}


def token(secret: str = KEY, **changes: object) -> str:
    args = {"attempt_id": 7, "user_id": 3, "session_token": "abc123", "expires": NOW + 60, **changes}
    return save_tokens.issue(secret, **args)  # type: ignore[arg-type]


def test_a_token_is_valid_for_its_attempt_owner_and_session_token():
    assert save_tokens.verify([KEY], token(), **GOOD)


@pytest.mark.parametrize("wrong", [
    {"attempt_id": 8},  # another attempt
    {"user_id": 4},  # another person
    {"session_token": "rotated"},  # the owner changed their password: every session ends
])
def test_a_token_is_refused_for_anything_else(wrong):
    assert not save_tokens.verify([KEY], token(), **{**GOOD, **wrong})


def test_a_token_expires():
    assert save_tokens.verify([KEY], token(expires=NOW + 1), **GOOD)
    assert not save_tokens.verify([KEY], token(expires=NOW), **GOOD)
    assert not save_tokens.verify([KEY], token(expires=NOW - 3600), **GOOD)


def test_the_expiry_cannot_be_moved():
    mac = token(expires=NOW - 1).split(".", 1)[1]
    assert not save_tokens.verify([KEY], f"{NOW + 3600}.{mac}", **GOOD)


def test_another_key_is_refused_but_a_fallback_key_is_accepted():
    old = token(secret="the old key")
    assert not save_tokens.verify([KEY], old, **GOOD)
    assert save_tokens.verify([KEY, "the old key"], old, **GOOD)  # while SECRET_KEY_FALLBACKS keeps it


@pytest.mark.parametrize("bad", ["", ".", "abc", "123", f"{NOW + 60}.", f"{NOW + 60}.é", "-5.abc",
                                 f"{'9' * 40}.abc", f" {NOW + 60}.abc"])
def test_malformed_tokens_are_refused(bad):
    assert not save_tokens.verify([KEY], bad, **GOOD)


@given(st.text(max_size=200))
def test_no_string_is_accepted_or_crashes(text):
    assert save_tokens.verify([KEY], text, **GOOD) is False


def test_a_token_is_short_and_safe_in_a_header_and_an_attribute():
    value = token()
    assert len(value) < 60 and all(c.isalnum() or c in "._-" for c in value)
