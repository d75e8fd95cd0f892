"""quizapp: timed practice tests keyed to the knowledge and skills statements.

The package is layered (docs/architecture.md; the rules are import-linter contracts in
pyproject.toml, run by `make test`):

- `quizapp.domain`: pure rules (scoring, timing, assembly, question types, Markdown, item statistics)
- `quizapp.banks`: reading, validating, linting and converting YAML question banks (pure)
- `quizapp.data`: engine, sessions, models and migrations
- `quizapp.services`: the work on the database (attempts, results, imports, organisations, cohort)
- `quizapp.web`: the Flask app factory and one blueprint per audience
- `quizapp.cli`: the `quizapp` command

`create_app()` is the application factory (used by `flask --app quizapp`, the `quizapp`
console script, gunicorn as ``quizapp:create_app()`` and the tests). It is imported lazily so
that importing a pure module (``quizapp.domain.scoring``) does not import Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from quizapp.app import create_app as factory

    return factory(test_config)
