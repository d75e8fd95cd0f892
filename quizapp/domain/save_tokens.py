"""Save tokens: what authenticates the answer autosave (Flask-free).

A question page carries a token that lets its holder save answers to that one attempt, and
nothing else. The browser's script sends it in an ``X-Save-Token`` header; the autosave reads no
session cookie, checks no CSRF form token and loads no user (those cost more than the save
itself, on the request every candidate sends every few seconds), and checks the token against
the attempt's owner, read with the question (or cached: the write then checks that the owner
and their session token are still the same, see `answers.store_answer`).

The token is ``<expires>.<mac>``: an HMAC-SHA256, under a key derived from the app's secret key,
of the attempt id, the owner's user id, the owner's session token and the expiry time.
- It cannot be forged or moved to another attempt or person (the MAC covers them).
- A password change revokes it, as it ends every session, because it changes the owner's
  session token. Signing out does not: it ends this browser's session, and the page that
  carried the token is gone with it (pages are not cached: `Cache-Control: no-store`), but
  another tab left open on the same attempt can go on saving its answers.
- It expires when a session would (each question page issues a fresh one, as each page view
  renews the session), and it is useless once the attempt has ended (the save is refused), or
  if the owner is no longer a candidate (checked by the autosave).
- It protects against cross-site request forgery as a CSRF token does: another site can neither
  read it from the page nor make a browser send it, since it is not a cookie.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Iterable

HEADER = "X-Save-Token"
_PURPOSE = b"quizapp answer autosave token v1"


@functools.lru_cache(maxsize=8)
def _key(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, _PURPOSE, hashlib.sha256).digest()


def _mac(key: bytes, attempt_id: int, user_id: int, session_token: str, expires: int) -> str:
    message = f"{attempt_id}:{user_id}:{session_token}:{expires}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).rstrip(b"=").decode()


def issue(secret: str | bytes, attempt_id: int, user_id: int, session_token: str, expires: int) -> str:
    """A token for `user_id`'s attempt `attempt_id`, valid until `expires` (Unix seconds)."""
    return f"{expires}.{_mac(_key(secret), attempt_id, user_id, session_token, expires)}"


def verify(secrets: Iterable[str | bytes], token: str, attempt_id: int, user_id: int, session_token: str,
           now: float) -> bool:
    """Whether `token` was issued under one of `secrets` (the current key first, then any
    fallbacks kept while keys rotate) for this attempt, owner and session token, and has not
    expired at `now` (Unix seconds)."""
    expires_text, dot, mac = token.partition(".")
    if not dot or not expires_text.isdigit() or len(expires_text) > 12 or not mac.isascii():
        return False
    expires = int(expires_text)
    if expires <= now:
        return False
    return any(hmac.compare_digest(mac, _mac(_key(secret), attempt_id, user_id, session_token, expires))
               for secret in secrets)
