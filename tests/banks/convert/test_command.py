"""`quizapp convert moodle-xml|gift`: writes the bank, reports what it could not convert, and checks
the result against the framework when one is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.banks.validate import load_bank_set

from tests.banks.convert.conftest import FRAMEWORK, MOODLE


@pytest.fixture
def fx_banks(app):
    app.config["BANKS_PATH"] = str(FRAMEWORK.parent)
    return app


@pytest.mark.parametrize(("kind", "name", "converted"), [("moodle-xml", "questions.xml", 6), ("gift", "questions.gift", 10)])
def test_convert_with_a_framework_validates(runner, fx_banks, tmp_path: Path, kind, name, converted):
    out = tmp_path / "bank.yaml"
    result = runner.invoke(args=["convert", kind, str(MOODLE / name), "-o", str(out), "--framework", "fx",
                                 "--statement", "B", "--bank", "from-moodle"])
    assert result.exit_code == 0, result.output
    assert f"{converted} questions converted" in result.output
    assert "not converted: matching questions have no equivalent in quizapp" in result.output
    assert "from-moodle-002 (question 2" in result.output  # notes name the new item ids
    assert result.output.rstrip().endswith("The bank is valid with its framework.")
    bank_set = load_bank_set([out, FRAMEWORK])
    assert bank_set.ok and len(bank_set.banks["from-moodle"].items) == converted


def test_default_output_name_placeholders_and_no_overwrite(runner, fx_banks, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["convert", "gift", str(MOODLE / "questions.gift")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "questions.yaml").read_text()
    assert "bank: questions\nframework: CHANGE-ME\n" in text and "statements: [CHANGE-ME]" in text
    assert "Replace each CHANGE-ME" in result.output
    again = runner.invoke(args=["convert", "gift", str(MOODLE / "questions.gift")])
    assert again.exit_code == 1 and "exists" in again.output
    assert runner.invoke(args=["convert", "gift", str(MOODLE / "questions.gift"), "--force"]).exit_code == 0


def test_standard_output(runner, fx_banks):
    result = runner.invoke(args=["convert", "gift", str(MOODLE / "questions.gift"), "-o", "-"])
    assert result.exit_code == 0
    assert "bank: questions\n" in result.stdout


def test_unknown_framework_is_reported(runner, fx_banks, tmp_path: Path):
    result = runner.invoke(args=["convert", "gift", str(MOODLE / "questions.gift"), "-o", str(tmp_path / "x.yaml"),
                                 "--framework", "nope", "--statement", "A"])
    assert result.exit_code == 0
    assert "Framework 'nope' is not in" in result.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [(["moodle-xml", str(MOODLE / "entity-bomb.xml")], "refused", 1),
     (["moodle-xml", str(MOODLE / "not-moodle.xml")], "not a Moodle XML question export", 1),
     (["gift", str(MOODLE / "questions.gift"), "--bank", "not an id"], "--bank 'not an id' is not an id", 2)],
)
def test_errors(runner, fx_banks, tmp_path: Path, args, message, code):
    result = runner.invoke(args=["convert", *args, "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == code
    assert message in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_nothing_convertible_exits_1(runner, fx_banks, tmp_path: Path):
    source = tmp_path / "essay.gift"
    source.write_text("::E:: Write an essay. {}\n")
    result = runner.invoke(args=["convert", "gift", str(source), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "0 questions converted" in result.output
