"""`quizapp calibrate`: fit the Rasch model to a test's or a framework's timed attempts and store
it as a new calibration version (quizapp/services/calibration.py; docs/readiness.md)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from quizapp.web.extensions import db


@click.command("calibrate")
@click.option("--test", "test_key", help="Calibrate this test's items (its id in the banks).")
@click.option("--framework", "framework_key", help="Calibrate every test of this framework together (its id).")
@click.option("--min-attempts", type=click.IntRange(min=2), default=None,
              help="Attempts needed before anything is calibrated (default 200).")
@click.option("--min-responses", type=click.IntRange(min=2), default=None,
              help="Responses an item version needs to be calibrated (default 30).")
@with_appcontext
def calibrate_command(test_key: str | None, framework_key: str | None, min_attempts: int | None,
                      min_responses: int | None) -> None:
    """Calibrate items with the Rasch model: difficulties with standard errors, infit and outfit.
    Needs --test or --framework. Below the minimums it says so and stores nothing."""
    from quizapp.services import calibration
    from quizapp.data.models import Framework, TestForm
    from quizapp.web import clock

    if (test_key is None) == (framework_key is None):
        raise click.UsageError("give one of --test KEY or --framework KEY")
    session = db.session
    test = framework = None
    if test_key is not None:
        test = session.scalar(select(TestForm).where(TestForm.key == test_key))
        if test is None:
            raise click.UsageError(f"no test with the id '{test_key}'")
    else:
        framework = session.scalar(select(Framework).where(Framework.key == framework_key))
        if framework is None:
            raise click.UsageError(f"no framework with the id '{framework_key}'")
    report = calibration.calibrate(
        session, clock.now(), test=test, framework=framework,
        min_attempts=min_attempts or calibration.MIN_ATTEMPTS,
        min_item_responses=min_responses or calibration.MIN_ITEM_RESPONSES,
    )
    session.commit()
    for line in report.lines():
        click.echo(line)
