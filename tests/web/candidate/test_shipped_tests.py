"""Every shipped test can be taken end to end: started, answered (all correct) and submitted."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, TestForm
from quizapp.banks.validate import load_bank_set

from tests.conftest import BANKS
from tests.web.candidate.conftest import answer_form, questions_of

SHIPPED_TESTS = sorted(load_bank_set([BANKS]).tests)


def test_the_shipped_tests_are_all_here():
    assert len(SHIPPED_TESTS) >= 10
    for level in ("practitioner", "supervisor", "leader", "ecs"):
        assert {f"{level}-mock-a", f"{level}-mock-b", f"{level}-diagnostic"} <= set(SHIPPED_TESTS)


@pytest.mark.parametrize("key", SHIPPED_TESTS)
def test_a_candidate_takes_every_shipped_test(imported, client, auth, key):
    app = imported
    auth.as_role("candidate")
    assert client.get(f"/tests/{key}").status_code == 200
    start = client.post(f"/tests/{key}/start", data={"mode": "timed"})
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    attempt_id = int(re.search(r"/attempts/(\d+)/", start.headers["Location"]).group(1))
    infos = questions_of(app, attempt_id)
    with app.app_context():
        test = db.session.scalar(select(TestForm).where(TestForm.key == key))
        expected = (test.blueprint["item_count_min"], test.blueprint["item_count_max"])
    assert expected[0] <= len(infos) <= expected[1]
    for info in infos:
        response = client.post(f"/tests/attempts/{attempt_id}/questions/{info.position}", data={**answer_form(info), "action": "save"})
        assert response.status_code == 302, f"{key} question {info.position}: {response.status_code}"
    client.post(f"/tests/attempts/{attempt_id}/submit")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.percent == pytest.approx(100.0) and attempt.passed
    assert client.get(f"/tests/attempts/{attempt_id}/result").status_code == 200
