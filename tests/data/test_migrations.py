"""Alembic migrations build exactly the schema the models describe, and can go down and up."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import pytest

from quizapp.data import migrate
from quizapp.data.models import Base

from tests.conftest import DB_KIND


def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'cycle.sqlite3'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    assert "item_versions" in inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.skipif(DB_KIND != "sqlite", reason="SQLite settings")
def test_sqlite_is_configured_for_a_web_server(app):
    with app.app_context():
        from quizapp.web.extensions import db

        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
