"""The administration rules under concurrency: two administrators disabling each other at the same
moment cannot leave the service with no administrator (the enabled administrators' rows are
locked while the rule is checked: FOR UPDATE on PostgreSQL, the write lock taken at BEGIN on
SQLite). The rules one at a time are tested through the pages (tests/web/admin)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text

from quizapp.data.db import make_sessionmaker, sqlite_begin
from quizapp.data.models import User
from quizapp.services import administration
from quizapp.web.extensions import db
from tests.conftest import DB_KIND
from tests.helpers import make_user


def test_two_admins_disabling_each_other_at_once_leave_one_admin(app, users):
    with app.app_context():
        other = make_user("second-admin@example.org", "admin", None)["id"]
        db.session.commit()
        engine = db.engine
    first = users["admin"]["id"]
    maker = make_sessionmaker(engine)
    sqlite_begin.set("IMMEDIATE")  # as in any POST (an earlier GET in this thread may have left DEFERRED)
    a = maker()
    administration.disable(a, a.get(User, first), a.get(User, other))  # A disables B, not yet committed
    outcome: list[object] = []

    def b_disables_a() -> None:
        with maker() as b:
            try:
                administration.disable(b, b.get(User, other), b.get(User, first))
                b.commit()
                outcome.append("disabled")
            except administration.AdminError as error:
                b.rollback()
                outcome.append(error)

    thread = threading.Thread(target=b_disables_a)
    thread.start()
    if DB_KIND == "postgresql":
        with engine.connect() as watcher:  # until B waits for A's row locks
            while not outcome and not watcher.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                watcher.rollback()
    a.commit()
    a.close()
    thread.join()
    assert len(outcome) == 1 and isinstance(outcome[0], administration.AdminError), outcome
    with app.app_context():
        enabled = db.session.scalar(select(func.count(User.id)).where(User.role == "admin", User.disabled_at.is_(None)))
    assert enabled == 1
