"""The database as a Flask extension: `db.session` is the current app context's session (one
scoped session per app context, removed on teardown), `db.engine` its engine. Each request's
SQLite transactions begin DEFERRED for reads (GET, HEAD, OPTIONS) and IMMEDIATE for writes
(quizapp.data.db explains why).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from quizapp.data.db import make_engine, make_sessionmaker, single_write_engine, sqlite_begin


class _AppDatabase:
    """What one app holds: its engine and its context-scoped session registry."""

    def __init__(self, engine: Engine, scopefunc: Any) -> None:
        self.engine = engine
        self.sessions: scoped_session[Session] = scoped_session(make_sessionmaker(engine), scopefunc=scopefunc)
        self._single_write_engine: Engine | None = None

    @property
    def single_write_engine(self) -> Engine:
        if self._single_write_engine is None:  # made on first use: most processes never need it
            self._single_write_engine = single_write_engine(self.engine)
        return self._single_write_engine

    def dispose(self) -> None:
        self.engine.dispose()
        if self._single_write_engine is not None:
            self._single_write_engine.dispose()


class Database:
    """The Flask extension. `db.session` is the current app context's session; `db.engine` its engine.

    State lives in ``app.extensions`` so that several apps (the tests make many) never share an engine.
    """

    def init_app(self, app: Any) -> None:
        from flask.globals import app_ctx

        engine = make_engine(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
        state = _AppDatabase(engine, scopefunc=lambda: id(app_ctx._get_current_object()))
        app.extensions["quizapp_db"] = state

        @app.before_request
        def _choose_begin_mode() -> None:
            from flask import request

            sqlite_begin.set("DEFERRED" if request.method in ("GET", "HEAD", "OPTIONS") else "IMMEDIATE")

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            state.sessions.remove()

    @staticmethod
    def _state() -> _AppDatabase:
        from flask import current_app

        return current_app.extensions["quizapp_db"]

    @property
    def session(self) -> Session:
        return self._state().sessions()

    @property
    def engine(self) -> Engine:
        return self._state().engine

    @property
    def single_write_engine(self) -> Engine:
        """The engine for `single_write` (on PostgreSQL its connections autocommit)."""
        return self._state().single_write_engine
