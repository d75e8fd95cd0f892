"""The pool of drawable items kept per process between starts, and the content version that says
when it is out of date. No Flask here.

A start draws its questions from the pool: every live item of the test's frameworks, read as
narrow rows (attempts.load_pool). The pool changes only when question banks are imported, so each
worker keeps the pools it has read (`PoolCache`) with the content version they were read at.
Every import raises that version in its own transaction (`bump`, called by quizapp.services.importer for
the `quizapp import` command and the trainer's upload alike); every start reads it first, in one
statement (`current`), and reads the pool again only when it has moved. So an import made
through one app server is seen by the next start on every other one: nothing is trusted that
the database has not just confirmed.

Reading the version before the pool keeps this safe under concurrent imports: an import commits
its content and its new version together, so a pool read after an old version is at worst newer
than its label, and is read again at the next start (never the other way round).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quizapp.domain.assembly import Pool
from quizapp.data.models import ContentVersion

_VERSION = select(ContentVersion.version).where(ContentVersion.id == 1)
_BUMP = update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1)


def current(session: Session) -> int:
    """The content version now (0 if the row is missing: a database from before it existed)."""
    return session.scalar(_VERSION) or 0


def bump(session: Session) -> None:
    """Raise the content version, in the caller's transaction (an import's)."""
    if session.execute(_BUMP).rowcount == 0:  # type: ignore[attr-defined]
        session.add(ContentVersion(id=1, version=1))
        session.flush()


class PoolCache:
    """Pools by the set of framework keys they cover, each with the content version it was read
    at; safe for threaded workers. A pool is a few hundred small rows per framework (the
    shipped banks: 354 items, some 150 KB), so nothing is evicted. `hits` and `misses` count
    the starts served from memory and those that read the pool."""

    def __init__(self) -> None:
        self._pools: dict[tuple[frozenset[str], int | None], tuple[int, Pool]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, session: Session, framework_keys: Iterable[str],
            load: Callable[[Session, set[str], int | None], Pool], owner_id: int | None = None) -> Pool:
        """The pool of these frameworks for a test of this owner (the service's banks, and the
        organisation's when `owner_id` is one: quizapp.services.ownership), read by `load` only if
        the content changed since."""
        frameworks = frozenset(framework_keys)
        key = (frameworks, owner_id)
        version = current(session)
        with self._lock:
            kept = self._pools.get(key)
            if kept is not None and kept[0] == version:
                self.hits += 1
                return kept[1]
        pool = load(session, set(frameworks), owner_id)  # outside the lock: two threads may both read, harmlessly
        with self._lock:
            self.misses += 1
            self._pools[key] = (version, pool)
        return pool
