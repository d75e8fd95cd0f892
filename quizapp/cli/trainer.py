"""The trainers' commands: `quizapp stats` (item analysis), `quizapp convert` (from Moodle), and the
draft kept by `quizapp import --draft`.

Registered by quizapp.cli.commands; kept here so the command module stays small.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from quizapp.domain import item_stats
from quizapp.web.extensions import db


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _interval(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f" [{interval[0]:.2f}, {interval[1]:.2f}]"


@click.command("stats")
@click.option("--test", "test_key", help="Only this test (default: every live test with attempts).")
@click.option("--all-attempts", is_flag=True, help="Every ended timed attempt, not only each candidate's first.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write one row per item version to this CSV file ('-' for standard output).")
@click.option("--min-sample", type=click.IntRange(min=1), default=None,
              help="Flag items only with at least this many responses (default: QUIZAPP_STATS_MIN_SAMPLE or 30).")
@with_appcontext
def stats_command(test_key: str | None, all_attempts: bool, csv_path: Path | None, min_sample: int | None) -> None:
    """Item analysis of timed attempts: form figures, then every item with its flags."""
    from quizapp.services import item_analysis
    from quizapp.data.models import Attempt, TestForm

    session = db.session
    minimum = min_sample or int(current_app.config.get("STATS_MIN_SAMPLE", item_stats.DEFAULT_MIN_SAMPLE))
    query = select(TestForm).order_by(TestForm.key)
    if test_key:
        tests = list(session.scalars(query.where(TestForm.key == test_key)))
        if not tests:
            raise click.UsageError(f"no test with the id '{test_key}'")
    else:
        with_attempts = select(Attempt.test_id).where(Attempt.ended_at.is_not(None)).distinct()
        tests = list(session.scalars(query.where(TestForm.retired_at.is_(None), TestForm.id.in_(with_attempts))))
    results = [item_analysis.analyse_test(session, test, all_attempts=all_attempts, min_sample=minimum) for test in tests]
    out = sys.stderr if csv_path is not None and str(csv_path) == "-" else sys.stdout
    which = "all ended timed attempts" if all_attempts else "each candidate's first ended timed attempt"
    if not results:
        click.echo("No test has any ended attempts yet.", file=out)
    for result in results:
        form = result.form
        click.echo(f"{result.test.key}: {result.test.title}", file=out)
        click.echo(f"  {form.attempts} attempts ({which}) by {result.candidates} candidates; {form.questions} questions a form",
                   file=out)
        if form.attempts:
            alpha = "-" if form.alpha is None else f"{form.alpha:.2f}"
            click.echo(f"  mean {_pct(form.mean_percent)}, median {_pct(form.median_percent)}, SD {_pct(form.sd_percent)}, "
                       f"alpha {alpha}, SEM {_pct(form.sem_percent)}", file=out)
        for s in result.items:
            click.echo(f"  {s.item.key} v{s.item.number} n={s.n} facility {_num(s.facility)}{_interval(s.facility_interval)} "
                       f"discrimination {_num(s.discrimination)}{_interval(s.discrimination_interval)} "
                       f"efficiency {_num(s.efficiency)}", file=out)
            for flag in s.flags:
                click.echo(f"    ! {flag.message}", file=out)
        flagged = len(result.flagged)
        click.echo(f"  {flagged} of {len(result.items)} item versions flagged (flags need at least {minimum} responses)",
                   file=out)
    if csv_path is not None:
        if str(csv_path) == "-":
            item_analysis.write_csv(results, sys.stdout)
        else:
            with csv_path.open("w", newline="", encoding="utf-8") as handle:
                item_analysis.write_csv(results, handle)
            click.echo(f"Wrote {sum(len(r.items) for r in results)} rows to {csv_path}", file=out)


@click.group("convert")
def convert_group() -> None:
    """Convert questions exported from Moodle into a bank file in quizapp's format."""


def _convert_options(function):  # type: ignore[no-untyped-def]
    options = [
        click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                     help="Where to write the bank (default: SOURCE's name with .yaml, in the current folder; '-' for "
                          "standard output)."),
        click.option("--force", is_flag=True, help="Overwrite the output file if it exists."),
        click.option("--bank", "bank_id", help="The new bank's id (default: from SOURCE's file name)."),
        click.option("--title", help="The bank's title (default: 'Converted from SOURCE')."),
        click.option("--framework", help="The framework id to key the bank to (default: a CHANGE-ME placeholder)."),
        click.option("--statement", help="The statement code every item is keyed to (default: a CHANGE-ME placeholder); "
                                         "edit each item's statements afterwards."),
        click.option("--section", type=click.Choice(["knowledge", "reasoning"]), default="knowledge", show_default=True),
        click.option("--id-prefix", help="Item ids are PREFIX-001, PREFIX-002... (default: the bank id)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _run_convert(kind: str, source: Path, output: Path | None, force: bool, bank_id: str | None, title: str | None,
                 framework: str | None, statement: str | None, section: str, id_prefix: str | None) -> None:
    from quizapp.banks.validate import ID_RE, load_bank_set
    from quizapp.banks.convert import bank_yaml, gift, moodle_xml

    module = moodle_xml if kind == "moodle-xml" else gift
    bank = bank_id or bank_yaml.slug(source.stem)
    for label, value in (("--bank", bank), ("--framework", framework), ("--id-prefix", id_prefix)):
        if value is not None and not ID_RE.fullmatch(value):
            raise click.UsageError(f"{label} '{value}' is not an id: letters, digits, '.', '_' or '-', starting with a "
                                   "letter or digit")
    try:
        conversion = module.convert(source.read_bytes(), source.name)
    except (moodle_xml.ConvertError, gift.ConvertError) as error:
        raise click.ClickException(f"{source}: {error}") from None
    options = bank_yaml.BankOptions(bank=bank, title=title or f"Converted from {source.name}", framework=framework,
                                    statement=statement, section=section, id_prefix=id_prefix)
    text = bank_yaml.to_yaml(conversion, options)
    ids = bank_yaml.item_ids(conversion, options)
    target = output if output is not None else Path(f"{source.stem}.yaml")
    report = sys.stderr if str(target) == "-" else sys.stdout
    if str(target) == "-":
        sys.stdout.write(text)
    else:
        if target.exists() and not force:
            raise click.ClickException(f"{target} exists: choose another --output, or add --force to overwrite it")
        target.write_text(text, encoding="utf-8")
    for line in conversion.report_lines(ids):
        click.echo(line, file=report)
    click.echo(conversion.summary() + ("" if str(target) == "-" else f"; wrote {target}"), file=report)
    if str(target) != "-" and framework and statement:
        _check_output(target, framework, load_bank_set, report)
    elif not (framework and statement):
        click.echo(f"Replace each {bank_yaml.PLACEHOLDER} in the file (or run again with --framework and --statement), "
                   "then run quizapp validate.", file=report)
    if not conversion.questions:
        sys.exit(1)


def _check_output(target: Path, framework: str, load_bank_set, report) -> None:  # type: ignore[no-untyped-def]
    """Validate the new bank with the framework file from the banks folder, as quizapp validate would."""
    banks = Path(current_app.config["BANKS_PATH"])
    framework_files = []
    if banks.exists():
        known = load_bank_set([banks])
        if framework in known.frameworks:
            framework_files.append(Path(known.frameworks[framework].file))
    if not framework_files:
        click.echo(f"Framework '{framework}' is not in {banks}: validate the file together with its framework file.",
                   file=report)
        return
    result = load_bank_set([target, *framework_files])
    for problem in result.problems:
        click.echo(str(problem), file=report)
    click.echo("The bank is valid with its framework." if result.ok else
               "Fix the problems above, then run quizapp validate.", file=report)


@convert_group.command("moodle-xml")
@_convert_options
@with_appcontext
def convert_moodle_xml(**kwargs: object) -> None:
    """Convert a Moodle XML question export (SOURCE) into a bank file."""
    _run_convert("moodle-xml", **kwargs)  # type: ignore[arg-type]


@convert_group.command("gift")
@_convert_options
@with_appcontext
def convert_gift(**kwargs: object) -> None:
    """Convert a Moodle GIFT file (SOURCE) into a bank file."""
    _run_convert("gift", **kwargs)  # type: ignore[arg-type]


def save_draft(paths: list[Path], *, full_sync: bool, quiet: bool) -> None:
    """`quizapp import --draft`: keep the (valid) bank files as a draft of the folder's content,
    print what publishing it would change, and where a trainer previews and publishes it. A
    draft that cannot be published as it stands, or would change nothing, is not kept."""
    from quizapp.banks.validate import find_bank_files
    from quizapp.services import bank_upload
    from quizapp.web import clock

    banks_dir = Path(current_app.config["BANKS_PATH"])
    base = banks_dir.resolve() if banks_dir.exists() else Path.cwd()
    files = [(label, path.read_text(encoding="utf-8")) for label, path in find_bank_files(paths, base)]
    session = db.session
    draft = bank_upload.save_folder_draft(session, files, full_sync, clock.now())
    session.commit()  # checking runs the import and rolls it back: the draft must be stored first
    result = bank_upload.check(session, draft, banks_dir)
    lines = [str(p) for p in result.problems] + result.refused
    if lines or result.report is None or not result.report.changes:
        session.delete(draft)
        session.commit()
        for line in lines:
            click.echo(line)
        if lines or result.report is None:
            click.echo("No draft was kept: these files cannot be published as they are.", err=True)
            sys.exit(1)
        click.echo("No draft was kept: " + result.report.summary())
        return
    if not quiet:
        for line in result.report.lines():
            click.echo(line)
    for line in result.placeholders:
        click.echo(f"{line} (fill it in: a draft with placeholders cannot be published)")
    click.echo(f"Draft saved, not published: {result.report.summary()} once published. Candidates see nothing of it "
               "until a trainer publishes it.")
    click.echo(f"Preview and publish it at /trainer/uploads/{draft.token} (Upload bank files, in the trainer's "
               "Question banks).")
