"""A real quizapp server for the browser tests: its own SQLite database and instance folder,
a free loopback port, and an app object in the test process for setting up and checking data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from flask import Flask

from quizapp import create_app
from quizapp.data import migrate as migrations
from quizapp.web.extensions import db
from tests.helpers import make_user

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_BANKS = ROOT / "tests" / "fixtures" / "banks"
BROWSER_TESTS = ROOT / "tests" / "fixtures" / "browser"
REAL_BANKS = ROOT / "question_banks"

# Saves are refused this long after the deadline (small, so the late-save test is quick).
SAVE_GRACE_SECONDS = 1
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class LiveServer:
    """`quizapp run` in a subprocess, on a database migrated and loaded in this process."""

    def __init__(self, workdir: Path, banks: list[Path], name: str = "browser", env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.name = name
        self.database_url = f"sqlite:///{workdir / 'quizapp.sqlite3'}"
        self.env = {
            "DATABASE_URL": self.database_url,
            "QUIZAPP_INSTANCE_PATH": str(workdir / "instance"),
            "SECRET_KEY": "browser-tests-secret-key",
            "QUIZAPP_SAVE_GRACE_SECONDS": str(SAVE_GRACE_SECONDS),
            # Every test signs in from 127.0.0.1: the sign-in limit must not get in the way.
            "QUIZAPP_SIGNIN_RATE_LIMIT": "10000 per minute",
            "QUIZAPP_LOCKOUT_THRESHOLD": "1000",
            **(env or {}),
        }
        self.banks = banks
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.log_path = workdir / "server.log"
        self._users = count(1)
        migrations.upgrade(self.database_url)
        with _environment(self.env):
            self.app: Flask = create_app({"DATABASE_URL": self.database_url, "TESTING": True})
        self.cli("import", "--quiet", *map(str, banks))

    def cli(self, *args: str) -> str:
        """Run a `quizapp` command on this server's database (as `quizapp demo` etc. would); its output."""
        result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, f"quizapp {' '.join(args)} failed:\n{result.output}"
        return result.output

    def start(self) -> None:
        command = Path(sys.executable).with_name("quizapp")
        for _ in range(3):  # another process may take the free port before the server binds it
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            log = self.log_path.open("ab")
            self.process = subprocess.Popen(
                [str(command), "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"],
                env={**os.environ, **self.env, "FLASK_DEBUG": "0", "PYTHONUNBUFFERED": "1"},
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            )
            log.close()
            if self._wait_until_up():
                return
            self.stop()
        raise RuntimeError(f"the test server did not start; its log:\n{self.log()}")

    def _wait_until_up(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        self.app.extensions["quizapp_db"].dispose()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

    def emails_to(self, address: str) -> list:
        """What the server sent to `address`, oldest first: with no SMTP server set it writes each
        message to its outbox folder (instance/outbox/*.eml, the development default)."""
        import email
        import email.policy

        outbox = self.workdir / "instance" / "outbox"
        found = []
        for path in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                found.append(message)
        return found

    def link_in_email(self, address: str, containing: str) -> str:
        """The one link with `containing` in the last email to `address` (its plain-text part)."""
        import re

        messages = self.emails_to(address)
        assert messages, f"no email to {address} in the outbox"
        text = messages[-1].get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        links = [link for link in re.findall(r"^(https?://\S+)$", text, flags=re.M) if containing in link]
        assert len(links) == 1, f"expected one link with {containing!r} in:\n{text}"
        return links[0]

    def new_user(self, role: str = "candidate", org: str | None = None) -> dict:
        """A fresh account (every test has its own, so attempts never meet)."""
        email = f"{role}-{os.getpid()}-{next(self._users)}@browser.example"
        with self.app.app_context():
            user = make_user(email, role, org, password=PASSWORD)
            db.session.commit()
        return user
