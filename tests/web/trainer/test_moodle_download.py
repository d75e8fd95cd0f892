"""Downloading a bank or a test as Moodle XML in the browser: the same permissions as every other
content page (another organisation's is 404), and a file our own Moodle importer reads back."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as SafeET

from quizapp.banks.convert import moodle_xml
from quizapp.banks.convert.bank_yaml import BankOptions, item_ids
from tests.helpers import check_page, text_of
from tests.services.test_pools_also_keyed import ECS_BANKS
from tests.web.trainer.test_org_content import ORG_TEST, bank_text, org_trainer, published, sign_in  # noqa: F401


def parsed(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/xml"
    return SafeET.fromstring(response.data, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def ids_of(response) -> list[str]:
    conversion = moodle_xml.convert(response.data, "download.xml")
    return item_ids(conversion, BankOptions(bank="x", title="x"))


def test_a_trainer_downloads_a_folder_bank_as_moodle_xml(fx, org_trainer):
    sign_in(org_trainer, "trainer@example.org")
    page = org_trainer.get("/trainer/banks/fx-bank")
    assert "Download this bank as Moodle XML" in text_of(page)
    response = org_trainer.get("/trainer/banks/fx-bank/moodle.xml")
    root = parsed(response)
    assert 'filename="fx-bank-moodle.xml"' in response.headers["Content-Disposition"]
    assert {"fx-s1", "fx-s2", "fx-m1"} <= set(ids_of(response))
    assert any(q.get("type") == "description" for q in root.findall("question"))  # the bank's scenario


def test_a_test_downloads_what_its_sections_draw(fx, org_trainer):
    sign_in(org_trainer, "trainer@example.org")
    assert "Download as Moodle XML" in text_of(org_trainer.get("/trainer/tests/fx-mock"))
    response = org_trainer.get("/trainer/tests/fx-mock/moodle.xml")
    parsed(response)
    text = response.get_data(as_text=True)
    assert "Section 1 (knowledge): 4 knowledge items" in text and "1 whole case scenario" in text
    assert "fx-s1" in ids_of(response)


def test_an_organisations_bank_and_test_download_only_for_its_trainers(fx, org_trainer):
    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    for path in ("/trainer/banks/eastshire-bank/moodle.xml", "/trainer/tests/eastshire-check/moodle.xml"):
        assert sorted(ids_of(org_trainer.get(path))) == ["east-1", "east-2"]
    for who in ("trainer@b.example",):
        sign_in(org_trainer, who)
        for path in ("/trainer/banks/eastshire-bank/moodle.xml", "/trainer/tests/eastshire-check/moodle.xml"):
            check_page(org_trainer.get(path), status=404)
    sign_in(org_trainer, "admin@example.org")
    assert sorted(ids_of(org_trainer.get("/trainer/banks/eastshire-bank/moodle.xml"))) == ["east-1", "east-2"]


def test_a_bank_downloads_as_a_bank_file_ready_to_commit(fx, org_trainer, tmp_path):
    """Issue 17: any bank a trainer sees, as YAML that validates and holds its live items; another
    organisation's is 404."""
    from quizapp.banks.validate import load_bank_set

    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()))
    assert "Download this bank as a bank file (YAML)" in text_of(org_trainer.get("/trainer/banks/eastshire-bank"))
    response = org_trainer.get("/trainer/banks/eastshire-bank/bank.yaml")
    assert response.status_code == 200 and 'filename="eastshire-bank.yaml"' in response.headers["Content-Disposition"]
    from tests.web.candidate.conftest import FIXTURE_BANKS

    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "framework.yaml").write_bytes((FIXTURE_BANKS / "framework.yaml").read_bytes())
    (folder / "eastshire-bank.yaml").write_bytes(response.data)
    loaded = load_bank_set([folder])
    assert loaded.problems == [], loaded.problems
    assert sorted(i.key for i in loaded.banks["eastshire-bank"].all_items()) == ["east-1", "east-2"]
    sign_in(org_trainer, "trainer@b.example")
    check_page(org_trainer.get("/trainer/banks/eastshire-bank/bank.yaml"), status=404)


def test_a_test_downloads_as_a_test_file_ready_to_commit(fx, org_trainer, tmp_path):
    """Issue 17: any test a trainer sees, as a test file that validates as the same test (from the
    database, not the folder); another organisation's is 404."""
    from quizapp.banks.validate import load_bank_set

    sign_in(org_trainer, "trainer@a.example")
    published(org_trainer, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    assert "Download as a test file (YAML)" in text_of(org_trainer.get("/trainer/tests/eastshire-check"))
    response = org_trainer.get("/trainer/tests/eastshire-check/test.yaml")
    assert response.status_code == 200 and 'filename="eastshire-check.yaml"' in response.headers["Content-Disposition"]
    from tests.web.candidate.conftest import FIXTURE_BANKS

    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "framework.yaml").write_bytes((FIXTURE_BANKS / "framework.yaml").read_bytes())
    (folder / "eastshire.yaml").write_text(bank_text())
    (folder / "check.yaml").write_bytes(response.data)
    loaded = load_bank_set([folder])
    assert loaded.problems == [], loaded.problems
    (tmp_path / "original").mkdir()
    (tmp_path / "original" / "framework.yaml").write_bytes((FIXTURE_BANKS / "framework.yaml").read_bytes())
    (tmp_path / "original" / "eastshire.yaml").write_text(bank_text())
    (tmp_path / "original" / "check.yaml").write_text(ORG_TEST)
    original = load_bank_set([tmp_path / "original"])
    assert loaded.tests["eastshire-check"].content_hash() == original.tests["eastshire-check"].content_hash()
    sign_in(org_trainer, "trainer@b.example")
    check_page(org_trainer.get("/trainer/tests/eastshire-check/test.yaml"), status=404)


def test_a_test_of_another_framework_downloads_the_items_keyed_to_it(app, runner, org_trainer):
    assert runner.invoke(args=["import", str(ECS_BANKS)]).exit_code == 0
    sign_in(org_trainer, "trainer@example.org")
    response = org_trainer.get("/trainer/tests/fx-ecs-mock/moodle.xml")
    # per_statement: every standalone knowledge item keyed to fx-ecs; scenarios: fx-ks-1 only
    assert sorted(ids_of(response)) == ["e-1", "k-1", "k-2", "k-3", "k-4", "k-5", "ks-1", "ks-2"]
