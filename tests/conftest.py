"""Shared fixtures: an app on a temporary migrated database, a client, a CLI runner, and
signed-in users by role (the flaskr pattern, plus a page checker); a real SMTP server and a real
OpenID provider on loopback, one each per test process."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from quizapp.services import accounts
from quizapp import create_app
from quizapp.data import migrate as migrations
from quizapp.data.db import sqlite_begin
from quizapp.web.extensions import db

from .helpers import PASSWORD, AuthActions, make_user
from .oidc_server import OidcProvider
from .pg import ThrowawayPostgres
from .smtp_server import SmtpServer

# No timing in tests: Hypothesis's per-example deadline fails on a busy machine, not on a bug.
settings.register_profile("quizapp", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("quizapp")

ROOT = Path(__file__).resolve().parent.parent
BANKS = ROOT / "question_banks"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Still scrypt, with a smaller work factor: hashing dominates fixture set-up otherwise."""
    original = accounts.HASH_METHOD
    accounts.HASH_METHOD = "scrypt:1024:8:1"
    yield
    accounts.HASH_METHOD = original


@pytest.fixture(autouse=True)
def _writes_begin_immediate() -> Iterator[None]:
    """Each test starts with SQLite's write transactions (BEGIN IMMEDIATE), the default of
    `sqlite_begin`. A request served in the test's own thread (the test client) leaves that
    setting behind, and a later test's set-up that then read and wrote in one deferred
    transaction failed with "database is locked" while a browser test's server was writing."""
    token = sqlite_begin.set("IMMEDIATE")
    yield
    sqlite_begin.reset(token)


DB_KIND = os.environ.get("QUIZAPP_TEST_DB", "sqlite")  # sqlite | postgresql (make test runs both)


class DatabaseFactory:
    """Hands each test its own database, copied from one migrated with Alembic at the start of the
    session (so every test runs on the real migrations, and quickly)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.count = 0
        self.server: ThrowawayPostgres | None = None
        if DB_KIND == "postgresql":
            # Outside pytest's numbered temp folders: another pytest run on the machine may
            # rotate (delete) those while this server is still using them.
            self.pg_dir = Path(tempfile.mkdtemp(prefix="quizapp-test-pg-"))
            self.server = ThrowawayPostgres(self.pg_dir / "pg")
            self.server.start()
            admin = create_engine(self.server.url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql("CREATE DATABASE quizapp_template")
            admin.dispose()
            migrations.upgrade(self.server.url("quizapp_template"))
            self.admin = create_engine(self.server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        else:
            self.template = base / "template.sqlite3"
            migrations.upgrade(f"sqlite:///{self.template}")

    def new(self, tmp_path: Path) -> str:
        self.count += 1
        if self.server is not None:
            name = f"test_{self.count}"
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE quizapp_template")
            return self.server.url(name)
        path = tmp_path / "quizapp.sqlite3"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        if self.server is not None:
            name = make_url(url).database
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        if self.server is not None:
            self.admin.dispose()
            self.server.stop()
            shutil.rmtree(self.pg_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()


@pytest.fixture
def database_url(database_factory: DatabaseFactory, tmp_path: Path) -> Iterator[str]:
    url = database_factory.new(tmp_path)
    yield url
    database_factory.drop(url)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (aiosmtpd), one per test process: every app the tests make
    sends its email there."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """A real OpenID provider on loopback (oidc-provider under node), one per test process, with a
    client registered for the test client's callback (http://localhost/sign-in/organisation/callback)."""
    provider = OidcProvider(["http://localhost/sign-in/organisation/callback"])
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> SmtpServer:
    """The SMTP server, holding only what this test's app sent (read it with `.only_to(address)`)."""
    return smtp_server


@pytest.fixture
def app_config(database_url: str, smtp_server: SmtpServer) -> dict:
    smtp_server.clear()
    return {
        **smtp_server.config(),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BANKS_PATH": str(BANKS),
    }


@pytest.fixture
def app(app_config: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    yield application
    application.extensions["quizapp_db"].dispose()


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
