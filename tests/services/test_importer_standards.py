"""Importing frameworks grouped under standards, their dates, and crosswalks: what the database
holds afterwards, and that a second import of the same files writes nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from quizapp.data.models import CrosswalkLink, Framework, Statement
from quizapp.web.extensions import db
from tests.services.test_importer import count, run_import

SHIPPED = Path(__file__).resolve().parents[2] / "question_banks"


def test_standards_dates_and_crosswalk_are_stored(app) -> None:
    report = run_import(app, [SHIPPED], prune=True)
    assert "crosswalk kss-practitioner-to-ecs" in report.added
    with app.app_context():
        ecs = db.session.scalar(select(Framework).where(Framework.key == "early-career-standards"))
        assert (ecs.effective_from, ecs.superseded_on, ecs.replaces) == (date(2027, 4, 1), None, "kss-practitioner")
        assert "could not be checked" in ecs.source_note
        assert [g["code"] for g in ecs.standards] == ["ECS1", "ECS2", "ECS3", "ECS4", "ECS5", "ECS6"]
        assert ecs.standards[0]["statements"] == ["ECS1.1", "ECS1.2", "ECS1.3", "ECS1.4"]
        first = ecs.statements[0]
        assert (first.code, first.standard_code) == ("ECS1.1", "ECS1")
        assert "quizapp's own" in first.unconfirmed
        kss = db.session.scalar(select(Framework).where(Framework.key == "kss-practitioner"))
        assert (kss.effective_from, kss.superseded_on, kss.standards) == (None, date(2027, 4, 1), [])
        assert {s.standard_code for s in kss.statements} == {""}
        links = db.session.scalars(select(CrosswalkLink).order_by(CrosswalkLink.position)).all()
        assert len(links) == 32
        assert (links[0].source.code, links[0].target.code) == ("P1", "ECS2.1")
        assert links[0].reason.startswith("Both ask for honest")
    again = run_import(app, [SHIPPED], prune=True)
    assert not again.changes


def test_a_changed_crosswalk_is_rewritten_and_a_removed_one_deleted(app, tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(SHIPPED, banks)
    run_import(app, [banks], prune=True)
    walk = banks / "crosswalks" / "kss-practitioner-to-ecs.yaml"
    text = walk.read_text()
    cut = text.index("  # P10 Organisational context")
    walk.write_text(text[:cut])
    report = run_import(app, [banks], prune=True)
    assert report.changed == ["crosswalk kss-practitioner-to-ecs"]
    assert count(app, CrosswalkLink) == 28
    walk.unlink()
    report = run_import(app, [banks], prune=True)
    assert report.retired == ["crosswalk kss-practitioner-to-ecs"]
    assert count(app, CrosswalkLink) == 0
    with app.app_context():  # the statements the links pointed at are untouched
        assert db.session.scalar(select(func.count()).select_from(Statement)
                                 .where(Statement.retired_at.is_(None))) > 0
