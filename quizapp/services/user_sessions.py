"""Signed-in sessions, free of Flask: one `UserSession` row per browser signed in to an account,
so that a person can see where they are signed in and end a session, and an administrator's
disabling ends them all.

A session cookie holds the login id "<user id>:<session token>:<session key>". A request is
signed in only while the user's `session_token` is still that token (changing it ends every
session at once: a new password, "sign out everywhere else", disabling) and the key's row
still exists (deleting it ends that one session at its next request). Login ids from before
this table ("<user id>:<session token>") keep working until the token changes.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quizapp.data.models import User, UserSession
from quizapp.data.models._types import utcnow
from quizapp.services import audit

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_name(user_agent: str) -> str:
    """A short description of a browser for the account page ("Chrome on Windows"), never the
    whole User-Agent header."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "An unknown browser")
    system = next((name for token, name in _SYSTEMS if re.search(re.escape(token), user_agent)), None)
    return f"{browser} on {system}" if system else browser


def open_session(session: Session, user: User, user_agent: str = "", now: datetime | None = None) -> str:
    """A new session row for `user`; its key is set on the user (for the login id) and returned."""
    key = secrets.token_hex(16)
    session.add(UserSession(key=key, user_id=user.id, created_at=now or utcnow(), browser=browser_name(user_agent)[:100]))
    session.flush()
    user.session_key = key
    return key


def sessions_of(session: Session, user: User) -> list[UserSession]:
    """The account's sessions, newest first."""
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                .order_by(UserSession.created_at.desc(), UserSession.key)))


def end_session(session: Session, user: User, key: str) -> bool:
    """End one of the user's sessions (another user's key ends nothing). Whether one ended."""
    ended = session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.key == key)).rowcount
    if ended:
        audit.record(session, "sessions.ended", actor=user, user=user, sessions=1)
    return bool(ended)


def close_session(session: Session, user: User) -> None:
    """Signing out: this browser's row goes (not an audit event: nothing was ended for anyone)."""
    if user.session_key:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.key == user.session_key))


def end_other_sessions(session: Session, user: User, *, by: User | None = None, record: bool = True) -> int:
    """End every session of the user but the one it was loaded for (`user.session_key`): a new
    session token (which ends sessions from before this table and autosave tokens too) and the
    other rows deleted. Returns how many rows were deleted."""
    user.session_token = secrets.token_hex(16)
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_key:
        query = query.where(UserSession.key != user.session_key)
    ended = session.execute(query).rowcount or 0
    session.flush()
    if record:
        audit.record(session, "sessions.ended", actor=by if by is not None else user, user=user, sessions=ended)
    return ended


def end_all_sessions(session: Session, user: User) -> None:
    """End every session of the user, this one included (disabling an account)."""
    user.session_key = None
    end_other_sessions(session, user, record=False)
