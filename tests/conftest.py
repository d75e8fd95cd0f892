"""Shared fixtures: an app on a temporary migrated database, a client, a CLI runner, and
signed-in users by role (the flaskr pattern, plus a page checker)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from quizapp import accounts, create_app
from quizapp import migrate as migrations
from quizapp.extensions import db

from .helpers import PASSWORD, AuthActions, make_user

ROOT = Path(__file__).resolve().parent.parent
BANKS = ROOT / "question_banks"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Still scrypt, with a smaller work factor: hashing dominates fixture set-up otherwise."""
    original = accounts.HASH_METHOD
    accounts.HASH_METHOD = "scrypt:1024:8:1"
    yield
    accounts.HASH_METHOD = original


@pytest.fixture(scope="session")
def migrated_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head with Alembic; each test gets a copy (fast, and it
    exercises the real migrations rather than create_all)."""
    path = tmp_path_factory.mktemp("template-db") / "template.sqlite3"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def app_config(tmp_path: Path, migrated_db_file: Path) -> dict:
    db_path = tmp_path / "quizapp.sqlite3"
    shutil.copy(migrated_db_file, db_path)
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BANKS_PATH": str(BANKS),
    }


@pytest.fixture
def app(app_config: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    yield application
    application.extensions["quizapp_db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator:
    """A database session inside an app context (for setting up and checking data)."""
    with app.app_context():
        yield db.session


@pytest.fixture
def users(app: Flask) -> dict[str, dict]:
    """One account per role, candidates and employers in "Org A", plus the same in "Org B"."""
    with app.app_context():
        out = {
            "candidate": make_user("candidate@a.example", "candidate", "Org A"),
            "trainer": make_user("trainer@example.org", "trainer", None),
            "employer": make_user("employer@a.example", "employer", "Org A"),
            "admin": make_user("admin@example.org", "admin", None),
            "other_candidate": make_user("candidate@b.example", "candidate", "Org B"),
            "other_employer": make_user("employer@b.example", "employer", "Org B"),
        }
        db.session.commit()
    return out


@pytest.fixture
def auth(client: FlaskClient, users: dict[str, dict]) -> AuthActions:
    return AuthActions(client, users)


@pytest.fixture
def imported(app: Flask, runner: FlaskCliRunner) -> Flask:
    """The shipped question banks imported into the test database."""
    result = runner.invoke(args=["import"])
    assert result.exit_code == 0, result.output
    return app


__all__ = ["PASSWORD"]
