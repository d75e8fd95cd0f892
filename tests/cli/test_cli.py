"""The `quizapp` command: validate, import, create-user, demo, db upgrade."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from quizapp.web.extensions import db
from quizapp.data.models import Item, Membership, User

from tests.web.candidate.conftest import FIXTURE_BANKS

ROOT = Path(__file__).resolve().parents[2]
QUIZAPP = Path(sys.executable).parent / "quizapp"


def test_validate_valid_set(runner):
    result = runner.invoke(args=["validate", str(FIXTURE_BANKS)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "3 files, 1 frameworks, 1 banks, 1 scenarios, 6 items, 1 tests: 0 errors"


def test_validate_reports_every_problem_with_its_line(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("bank: b\nframework: nowhere\ntitle: T\nitems:\n  - id: x\n    typ: single\n")
    result = runner.invoke(args=["validate", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].endswith("errors") and "0 errors" not in lines[-1]
    assert any(line.startswith(f"{bad}:2:") and "nowhere" in line for line in lines), lines
    assert any(":6:5:" in line and "'typ'" in line for line in lines), lines


def test_validate_missing_path_is_a_usage_error(runner):
    result = runner.invoke(args=["validate", "/no/such/folder"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_import_prints_changes_and_dry_run_changes_nothing(app, runner):
    dry = runner.invoke(args=["import", "--dry-run", str(FIXTURE_BANKS)])
    assert dry.exit_code == 0 and "added item fx-s1" in dry.output and "Dry run" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Item.id))) == 0
    real = runner.invoke(args=["import", str(FIXTURE_BANKS)])
    assert real.exit_code == 0 and "added item fx-s1" in real.output
    assert "6 added" not in real.output  # frameworks, banks, scenarios and tests count too
    again = runner.invoke(args=["import", str(FIXTURE_BANKS)])
    assert "Nothing to import" in again.output


def test_import_of_an_invalid_set_imports_nothing(app, runner, tmp_path):
    bad = tmp_path / "banks"
    bad.mkdir()
    for f in FIXTURE_BANKS.iterdir():
        (bad / f.name).write_text(f.read_text())
    (bad / "bank.yaml").write_text((bad / "bank.yaml").read_text().replace("statements: [B]", "statements: [ZZ]", 1))
    result = runner.invoke(args=["import", str(bad)])
    assert result.exit_code == 1
    assert "unknown statement" in result.output.lower() or "ZZ" in result.output
    assert "Nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Item.id))) == 0


def test_create_user_with_organisation(app, runner):
    result = runner.invoke(args=["create-user", "Lead@Example.org", "--role", "employer", "--org", "Anytown Council",
                                 "--name", "Jo Lead"], input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created employer lead@example.org in Anytown Council." in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        assert user.role == "employer" and user.name == "Jo Lead" and user.organisation.name == "Anytown Council"


@pytest.mark.parametrize(
    ("args", "password", "code", "message"),
    [
        (["create-user", "x@example.org", "--role", "wizard"], "a long enough password", 2, "Invalid value"),
        (["create-user", "x@example.org"], "short", 1, "12 characters or more"),
        (["create-user", "not-an-email"], "a long enough password", 1, "correct format"),
    ],
)
def test_create_user_errors(runner, args, password, code, message):
    result = runner.invoke(args=args, input=f"{password}\n{password}\n")
    assert result.exit_code == code
    assert message in result.output


def test_create_user_refuses_a_duplicate(runner):
    args = ["create-user", "x@example.org", "--password", "a long enough password"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "already exists" in result.output


def test_demo_creates_one_account_per_role_and_can_run_again(app, runner, client):
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    for email, _name, role, _in_org in DEMO_ACCOUNTS:
        assert email in result.output and role in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 4
        assert db.session.scalar(select(func.count(Membership.id))) == 2
    response = client.post("/sign-in", data={"email": "employer@demo.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_db_upgrade_on_a_new_database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "QUIZAPP_INSTANCE_PATH": str(tmp_path / "instance")}
    result = subprocess.run([str(QUIZAPP), "db", "upgrade"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_console_script_and_flask_command_agree(tmp_path):
    env = {**os.environ, "QUIZAPP_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    ours = subprocess.run([str(QUIZAPP), "validate", str(FIXTURE_BANKS)], env=env, capture_output=True, text=True)
    flask = subprocess.run([sys.executable, "-m", "flask", "--app", "quizapp", "validate", str(FIXTURE_BANKS)],
                           env=env, capture_output=True, text=True, cwd=ROOT)
    assert ours.returncode == flask.returncode == 0, ours.stderr + flask.stderr
    assert ours.stdout == flask.stdout


def _fixture_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    for f in FIXTURE_BANKS.iterdir():
        (folder / f.name).write_text(f.read_text())
    return folder


def test_import_explains_a_file_it_cannot_read_as_validate_does(app, runner, tmp_path):
    """A YAML slip gets the same plain explanation, parser detail and note from import as from validate."""
    folder = _fixture_copy(tmp_path)
    (folder / "bank.yaml").write_text((folder / "bank.yaml").read_text().replace("title: Fixture bank", "title: Fixture bank\n: nokey", 1))
    validated = runner.invoke(args=["validate", str(folder)]).output.strip().splitlines()
    imported = runner.invoke(args=["import", str(folder)])
    assert imported.exit_code == 1 and "Nothing was imported" in imported.output
    findings = validated[:-1]  # every problem, detail line and note, then the summary
    assert any(line.startswith("note: ") for line in findings) and any(line.startswith("    ") for line in findings)
    for line in findings:
        assert line in imported.output.splitlines(), line


def test_import_shows_warnings_and_still_imports(app, runner, tmp_path):
    folder = _fixture_copy(tmp_path)
    (folder / "bank.yaml").write_text((folder / "bank.yaml").read_text().replace("title: Fixture bank", "title: Fixture bank #2", 1))
    result = runner.invoke(args=["import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "#2" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Item.id))) > 0
