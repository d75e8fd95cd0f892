"""The package's architecture as checks: the layer contracts hold (and a broken one fails with
its import chain), no module grows past 500 lines, and every folder says what it holds."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quizapp"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 500
LAYERS = ("domain", "banks", "data", "services", "web", "cli")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}  # the copy under test, not the installed package
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "quizapp", ignore=shutil.ignore_patterns("static", "frontend", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        # a pure rule reaching for Flask
        ("domain/scoring.py", "import flask", "quizapp.domain.scoring -> flask"),
        # a service reaching up into the web layer
        ("services/results.py", "from quizapp.web import clock", "quizapp.services.results -> quizapp.web.clock"),
        # the domain reaching up into a service
        ("domain/timing.py", "from quizapp.services import catalogue", "quizapp.domain.timing -> quizapp.services.catalogue"),
    ],
)
def test_a_crossed_layer_fails_with_its_import_chain(package_copy, module, line, expected):
    path = package_copy / "quizapp" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(package_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert expected in result.stdout, result.stdout


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules where a seam exists: {long}"


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_is_a_folder_that_says_what_it_holds(layer):
    init = PACKAGE / layer / "__init__.py"
    assert init.exists(), f"quizapp/{layer}/ is a package"
    assert ast.get_docstring(ast.parse(init.read_text())), f"quizapp/{layer}/__init__.py has a docstring"


def test_every_module_opens_with_a_comment_saying_what_it_holds():
    bare = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "versions" not in path.parts
        and not ast.get_docstring(ast.parse(path.read_text()))
    ]
    assert not bare, f"these modules have no opening docstring: {bare}"


def test_importing_a_pure_module_does_not_import_flask():
    code = "import sys, quizapp.domain.scoring, quizapp.banks.validate; print('flask' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
