"""Every command the documentation names exists: each `quizapp` command in README.md's command
table (and each `quizapp COMMAND` the README and docs/*.md quote) answers `--help` from the real
console script, and each `make TARGET` they quote is a target make can plan (`make -n`), whose
`quizapp` commands exist too. The lists are read from the documents, so a new row or a new
`make` line is checked without touching this file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .pg import free_port

ROOT = Path(__file__).resolve().parent.parent
QUIZAPP = Path(sys.executable).parent / "quizapp"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WORD = r"[a-z][a-z0-9-]*"


def _cells(row: str) -> list[str]:
    """A Markdown table row's cells ("\\|" is a pipe inside a cell)."""
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def table_commands(readme: str) -> list[str]:
    """The commands of README.md's "## Commands" table: its first column's leading words, a
    group's subcommand with it ("db upgrade"), alternatives spelt out ("convert moodle-xml|gift"
    gives both), and the group's other subcommands quoted in the description ("`db current`")."""
    section = readme.split("\n## Commands", 1)[1].split("\n## ", 1)[0]
    commands: list[str] = []
    for row in section.splitlines():
        if not row.startswith("|") or set(row) <= set("|- "):
            continue
        first, *rest = _cells(row)
        if not first.startswith("`") or first == "command":
            continue
        words = []
        for token in first.strip("`").split():
            if not re.fullmatch(rf"{WORD}(\|{WORD})*", token):
                break
            words.append(token.split("|"))
        if not words:
            continue
        group = words[0][0]
        for sub in words[1] if len(words) > 1 else [""]:
            commands.append(f"{group} {sub}".strip())
        if len(words) > 1:  # a group: its other subcommands named in the description
            commands += [f"{group} {sub}" for sub in re.findall(rf"`{group} ({WORD})", " ".join(rest))]
    return list(dict.fromkeys(commands))


def table_options(readme: str) -> dict[str, list[str]]:
    """The `--options` each row of README.md's command table shows in its first column, by the
    command that row documents (its first subcommand, for a group)."""
    section = readme.split("\n## Commands", 1)[1].split("\n## ", 1)[0]
    out: dict[str, list[str]] = {}
    for row in section.splitlines():
        if not row.startswith("|") or set(row) <= set("|- "):
            continue
        first = _cells(row)[0]
        options = re.findall(r"(?<![\w-])--[a-z][a-z-]*", first)
        commands = table_commands(f"\n## Commands\n{row}\n")
        if options and commands:
            out.setdefault(commands[0], []).extend(options)
    return out


def quoted_commands(text: str) -> list[str]:
    """`quizapp COMMAND` (or `.venv/bin/quizapp COMMAND`) quoted in code anywhere in a document."""
    pieces = re.findall(r"`([^`\n]+)`", text) + re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    # each code span on its own: joined, "the `quizapp` command" next to `make imports` would read
    # as "quizapp make"
    return [c for piece in pieces for c in re.findall(rf"(?<![\w/:.-])(?:\.venv/bin/)?quizapp ({WORD})", piece)]


def make_targets(text: str) -> list[str]:
    """`make TARGET` quoted in code spans or at the start of a line of a fenced code block."""
    spans = re.findall(rf"`make ({WORD})", text)
    blocks = [line for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S) for line in block.splitlines()]
    return spans + [m.group(1) for line in blocks if (m := re.match(rf"\s*make ({WORD})", line))]


README = (ROOT / "README.md").read_text()
TABLE = table_commands(README)
QUOTED = sorted({c for doc in DOCUMENTS for c in quoted_commands(doc.read_text())} - {c.split()[0] for c in TABLE})
TARGETS = sorted({t for doc in DOCUMENTS for t in make_targets(doc.read_text())})


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QUIZAPP_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite3'}"}


def test_the_documents_name_commands_and_targets():
    """The parsers find what the documents hold today (so an empty list cannot pass unnoticed)."""
    for expected in ("run", "serve", "db upgrade", "db current", "convert moodle-xml", "convert gift", "rescore"):
        assert expected in TABLE, TABLE
    assert {"run", "test", "serve", "bench", "screenshots"} <= set(TARGETS), TARGETS


OPTIONS = table_options(README)


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_each_documented_option_is_in_the_commands_help(command, tmp_path):
    """`import [PATH...] [--dry-run] [--draft]`: every option the table shows is one the command takes."""
    result = subprocess.run([str(QUIZAPP), *command.split(), "--help"], env=_env(tmp_path),
                            capture_output=True, text=True, check=False, cwd=ROOT)
    missing = [option for option in OPTIONS[command] if option not in result.stdout]
    assert not missing, f"quizapp {command} --help does not mention {missing}"


@pytest.mark.parametrize("command", TABLE + QUOTED)
def test_each_documented_command_answers_help(command, tmp_path):
    result = subprocess.run([str(QUIZAPP), *command.split(), "--help"], env=_env(tmp_path),
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, f"quizapp {command} --help: {result.stdout}{result.stderr}"
    assert "Usage:" in result.stdout


@pytest.fixture(scope="module")
def known_commands(tmp_path_factory) -> set[str]:
    result = subprocess.run([str(QUIZAPP), "--help"], env=_env(tmp_path_factory.mktemp("help")),
                            capture_output=True, text=True, check=True, cwd=ROOT)
    commands = result.stdout.split("Commands:", 1)[1]
    return set(re.findall(rf"^  ({WORD})", commands, flags=re.M))


@pytest.mark.parametrize("target", TARGETS)
def test_each_documented_make_target_exists_and_runs_real_commands(target, known_commands):
    """`make -n` plans the target without running it; every `quizapp` command it would run exists."""
    result = subprocess.run(["make", "-n", target], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, f"make -n {target}: {result.stderr}"
    for command in re.findall(rf"\.venv/bin/quizapp ({WORD})", result.stdout):
        assert command in known_commands, f"make {target} runs 'quizapp {command}', which does not exist"


def test_make_serve_runs_quizapp_serve_on_the_given_address():
    result = subprocess.run(["make", "-n", "serve", "HOST=127.0.0.2", "PORT=8123"], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert ".venv/bin/quizapp serve --bind 127.0.0.2:8123" in result.stdout


def test_quizapp_serve_starts_gunicorn_with_several_workers(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(QUIZAPP), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                                   env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        body = b""
        for _ in range(300):  # a bounded wait for the server to listen (nothing is timed)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    body = response.read()
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        assert body == b"ok", log.read_text()
        workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False)
        assert len(workers.stdout.split()) == 2, log.read_text()  # quizapp serve became the gunicorn master
        assert "gunicorn" in log.read_text().lower()
        assert "Control socket listening" not in log.read_text()  # two servers on one machine would share it
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
