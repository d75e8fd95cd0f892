"""Retiring and restoring single items and tests published from the browser: asked first, never
drawn or listed while retired, tests that need a retired item say so (a clear message to
trainers, never a 500 for candidates), restored by one button, and each change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.data.models import Attempt, AuditEvent, Item, TestForm
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of
from tests.web.trainer.test_org_content import ORG_TEST, bank_text, org_trainer, published, sign_in  # noqa: F401

COUNT_TEST = ORG_TEST.replace("eastshire-check", "eastshire-count").replace(
    "Eastshire ASYE check", "Eastshire count").replace("{items: [east-1, east-2]}", "{count: 3}")


@pytest.fixture
def east(fx, org_trainer):
    """Org A's bank of four items, a test of two fixed items and a test drawing three of them."""
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text(n=4)), ("check.yaml", ORG_TEST), ("count.yaml", COUNT_TEST))
    return org_trainer


def retired(model, key):
    with db.session.no_autoflush:
        return db.session.scalar(select(model).where(model.key == key)).retired_at is not None


def test_an_item_is_retired_after_a_page_that_names_the_tests_it_would_stop(fx, east):
    page = east.get("/trainer/items/east-1")
    assert "Retire this item" in text_of(page)
    confirm = east.get("/trainer/items/east-1/retire")
    check_page(confirm, title="Retire item east-1")
    text = text_of(confirm)
    assert "Eastshire ASYE check" in text and "items not in the pool: east-1" in text
    assert "Eastshire count" not in text  # three of the other three can still be drawn
    with fx.app_context():
        assert not retired(Item, "east-1")  # asking changed nothing
    assert east.post("/trainer/items/east-1/retire").status_code == 302
    with fx.app_context():
        assert retired(Item, "east-1")
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert event.event == "content.retired" and '"key":"east-1"' in event.details
    test_page = text_of(east.get("/trainer/tests/eastshire-check"))
    assert "Candidates cannot start this test now: section 1 (knowledge) items not in the pool: east-1" in test_page


def test_a_retired_item_is_never_drawn(fx, east):
    east.post("/trainer/items/east-1/retire")
    east.post("/trainer/items/east-2/retire")
    sign_in(east, "candidate@a.example")
    drawn: set[str] = set()
    for _ in range(8):
        started = east.post("/tests/eastshire-count/start", data={"mode": "practice"})
        assert started.status_code == 302 and "/attempts/" in started.headers["Location"]
        with fx.app_context():
            attempt = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
            drawn |= {q.item_version.item.key for q in attempt.questions}
            attempt.ended_at = attempt.started_at
            db.session.commit()
    assert not drawn & {"east-1", "east-2"}
    assert len(drawn) > 3  # different draws, from what is left


def test_a_test_that_cannot_draw_tells_candidates_and_trainers(fx, east):
    east.post("/trainer/items/east-1/retire")
    sign_in(east, "candidate@a.example")
    started = east.post("/tests/eastshire-check/start", data={"mode": "timed"})
    assert started.status_code == 302 and "/attempts/" not in started.headers["Location"]
    page = east.get(started.headers["Location"])
    assert page.status_code == 200 and "cannot be started at the moment" in text_of(page)
    sign_in(east, "trainer@a.example")
    assert east.post("/trainer/items/east-1/restore").status_code == 302
    with fx.app_context():
        assert not retired(Item, "east-1")
        assert db.session.scalars(select(AuditEvent.event).order_by(AuditEvent.seq.desc())).first() == "content.restored"
    assert "Candidates cannot start" not in text_of(east.get("/trainer/tests/eastshire-check"))
    sign_in(east, "candidate@a.example")
    assert "/attempts/" in east.post("/tests/eastshire-check/start", data={"mode": "timed"}).headers["Location"]


def test_a_test_is_retired_after_asking_and_restored(fx, east):
    assert "Retire this test" in text_of(east.get("/trainer/tests/eastshire-check"))
    check_page(east.get("/trainer/tests/eastshire-check/retire"), title="Retire Eastshire ASYE check")
    with fx.app_context():
        assert not retired(TestForm, "eastshire-check")
    assert east.post("/trainer/tests/eastshire-check/retire").status_code == 302
    assert "Restore this test" in text_of(east.get("/trainer/tests/eastshire-check"))
    sign_in(east, "candidate@a.example")
    assert "Eastshire ASYE check" not in text_of(east.get("/tests/"))
    assert east.post("/tests/eastshire-check/start", data={"mode": "timed"}).status_code == 404
    sign_in(east, "trainer@a.example")
    assert east.post("/trainer/tests/eastshire-check/restore").status_code == 302
    sign_in(east, "candidate@a.example")
    assert "Eastshire ASYE check" in text_of(east.get("/tests/"))


@pytest.mark.parametrize("who, status", [("trainer@b.example", 404), ("trainer@example.org", 404),
                                         ("admin@example.org", 302)])
def test_only_the_owners_trainers_and_admins_retire_an_organisations_items_and_tests(fx, east, who, status):
    sign_in(east, who)
    for path in ("/trainer/items/east-1/retire", "/trainer/items/east-1/restore",
                 "/trainer/tests/eastshire-check/retire", "/trainer/tests/eastshire-check/restore"):
        assert east.post(path).status_code == status, path


def test_the_folders_items_and_tests_are_not_retired_in_the_browser(fx, org_trainer):
    sign_in(org_trainer, "trainer@example.org")
    assert "Retire this item" not in text_of(org_trainer.get("/trainer/items/fx-s1"))
    assert "Retire this test" not in text_of(org_trainer.get("/trainer/tests/fx-mock"))
    for path in ("/trainer/items/fx-s1/retire", "/trainer/tests/fx-mock/retire"):
        assert org_trainer.get(path).status_code == 403
        assert org_trainer.post(path).status_code == 403
