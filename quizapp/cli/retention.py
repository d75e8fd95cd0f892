"""`quizapp purge --older-than DAYS [--dry-run]`: retention (what it removes is decided and
explained in quizapp/services/retention.py and docs/deployment.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from quizapp.web.extensions import db


@click.command("purge")
@click.option("--older-than", "days", required=True, metavar="DAYS",
              help="Erase accounts nobody has signed in to for DAYS days, and end sessions, clear lockouts, delete "
                   "dead invitations and outbox emails older than that (a whole number, 1 to 36500).")
@click.option("--dry-run", is_flag=True, help="Count what would be removed, and change nothing.")
@with_appcontext
def purge_command(days: str, dry_run: bool) -> None:
    """Remove personal data older than the retention period; prints what it removed."""
    from quizapp.services import retention
    from quizapp.web import clock

    try:
        number = int(days.strip())
    except ValueError:
        raise click.UsageError(f"--older-than takes a whole number of days, such as 730 (not {days!r})") from None
    try:
        retention.check_days(number)
    except retention.RetentionError as error:
        raise click.UsageError(str(error)) from None
    outbox = Path(current_app.config["MAIL_OUTBOX"]) if current_app.config.get("MAIL_OUTBOX") else None
    report = retention.purge(db.session, number, clock.now(), outbox)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        for path in report.outbox_files:
            path.unlink(missing_ok=True)
    for line in report.lines(dry_run):
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was changed. Run again without --dry-run to remove these.")
