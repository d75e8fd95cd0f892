"""The tokens in the links we email (confirm an address, reset a password), free of Flask.

A token is the payload signed with the app's secret key (itsdangerous, HMAC-SHA1 over the
payload and the time it was made, with a salt per purpose so that one kind of link can never be
used as another); it carries no secret of its own. It expires `max_age` seconds after it was made,
measured on the clock the caller passes (the app's injectable clock), and keys in
SECRET_KEY_FALLBACKS still open links made before a key change.

Single use is the caller's part: a reset token names a fingerprint of the account's password
hash and session token (`account_fingerprint`), and setting a new password changes both, so a
used link (and every other link sent before it) no longer matches.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"


class LinkError(ValueError):
    """The link cannot be used; `expired` says whether it was genuine but too old."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(secrets: Sequence[str | bytes], purpose: str, now: datetime) -> URLSafeTimedSerializer:
    stamp = int(now.timestamp())

    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:  # the caller's clock, not time.time()
            return stamp

    # itsdangerous signs with the last key and accepts all of them: the current key goes last.
    return URLSafeTimedSerializer([*secrets[1:], secrets[0]], salt=f"quizapp-{purpose}", signer=Signer)


def make(secrets: Sequence[str | bytes], purpose: str, payload: dict[str, Any], now: datetime) -> str:
    """A token for `payload`. `secrets`: the current key first, then any fallbacks."""
    return _serializer(secrets, purpose, now).dumps(payload)


def read(secrets: Sequence[str | bytes], purpose: str, token: str, max_age: int, now: datetime) -> dict[str, Any]:
    """The payload of a token made for `purpose` at most `max_age` seconds before `now`;
    a LinkError otherwise."""
    try:
        payload = _serializer(secrets, purpose, now).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkError(expired=True) from error
    except (BadSignature, UnicodeError, ValueError) as error:
        raise LinkError(expired=False) from error
    if not isinstance(payload, dict):
        raise LinkError(expired=False)
    return payload


def account_fingerprint(password_hash: str, session_token: str) -> str:
    """A short digest of what a password reset changes: a reset link names it, so the link stops
    working once the password has been set (or every session ended)."""
    return hashlib.sha256(f"{password_hash}\x00{session_token}".encode()).hexdigest()[:32]


def same_fingerprint(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
