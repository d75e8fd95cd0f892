"""Bank files uploaded by a trainer: kept in a temporary store, validated together with the
banks folder, previewed as an import, and imported all or nothing. No Flask here.

How an upload is checked: the uploaded files are validated *with the banks folder*, so that a
bank can name a framework, and a test the banks, that live there. A file in the folder that
defines the same framework, bank or test id as an uploaded file is left out: the upload takes
its place. Every problem in the resulting set is reported, wherever it is.

What an import loads: the uploaded frameworks, banks and tests, plus the framework files they
refer to (from the folder), as `quizapp import FILES` would; items missing from an uploaded bank
are retired, other banks are left alone. The database changes; the folder does not, so the files
must also be committed to version control, or the next full `quizapp import` undoes the change.

The store: one directory per upload under the instance folder, named by a random token, with
the files and a small meta file (who uploaded them, when). Only the uploader can use a token,
and tokens expire (UPLOAD_LIFETIME); expired uploads are deleted whenever an upload is made.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from quizapp.banks import model as bm
from quizapp.banks.validate import BANK_SUFFIXES, find_bank_files, load_bank_set
from quizapp.banks.yamlsafe import MAX_FILE_BYTES
from .importer import ImportRefused, ImportReport, import_bank_set
from quizapp.data.models import User

UPLOAD_LIFETIME = timedelta(hours=2)
MAX_FILES = 20
CONTEXT_LINES = 2
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class UploadError(ValueError):
    """The upload itself is unacceptable (no files, wrong kind, too large); the message says why."""


@dataclass(frozen=True)
class Upload:
    token: str
    directory: Path
    files: list[str]
    user_id: int
    created_at: datetime

    @property
    def paths(self) -> list[Path]:
        return [self.directory / name for name in self.files]


class UploadStore:
    def __init__(self, root: Path, lifetime: timedelta = UPLOAD_LIFETIME) -> None:
        self.root = root
        self.lifetime = lifetime

    def save(self, user_id: int, files: list[tuple[str, bytes]], now: datetime) -> Upload:
        """Keep the files under a new token. Raises UploadError for an unacceptable upload."""
        if not files:
            raise UploadError("Choose one or more YAML files to upload")
        if len(files) > MAX_FILES:
            raise UploadError(f"Upload at most {MAX_FILES} files at a time")
        names: list[str] = []
        for raw_name, data in files:
            name = secure_filename(raw_name or "")
            if not name.lower().endswith(BANK_SUFFIXES):
                raise UploadError(f"'{raw_name}' is not a YAML file: the file name must end in .yaml or .yml")
            if len(data) > MAX_FILE_BYTES:
                raise UploadError(f"'{raw_name}' is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            stem, dot, suffix = name.rpartition(".")
            candidate, n = name, 2
            while candidate in names:
                candidate, n = f"{stem}-{n}{dot}{suffix}", n + 1
            names.append(candidate)
        self.purge(now)
        token = secrets.token_urlsafe(24)
        directory = self.root / token
        directory.mkdir(parents=True, mode=0o700)
        for name, (_raw, data) in zip(names, files, strict=True):
            (directory / name).write_bytes(data)
        meta = {"user_id": user_id, "created_at": now.isoformat(), "files": names}
        (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return Upload(token, directory, names, user_id, now)

    def get(self, token: str, user_id: int, now: datetime) -> Upload | None:
        """The upload, if the token is well formed, exists, belongs to this user and has not expired."""
        if not _TOKEN.fullmatch(token):
            return None
        directory = self.root / token
        try:
            meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        created = datetime.fromisoformat(meta["created_at"])
        if meta.get("user_id") != user_id or now - created > self.lifetime:
            return None
        return Upload(token, directory, list(meta["files"]), user_id, created)

    def discard(self, upload: Upload) -> None:
        shutil.rmtree(upload.directory, ignore_errors=True)

    def purge(self, now: datetime) -> int:
        """Delete expired uploads; how many."""
        if not self.root.exists():
            return 0
        removed = 0
        for directory in self.root.iterdir():
            try:
                meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
                expired = now - datetime.fromisoformat(meta["created_at"]) > self.lifetime
            except (OSError, ValueError, KeyError):
                expired = True  # a broken or half-written upload
            if expired and directory.is_dir() and _TOKEN.fullmatch(directory.name):
                shutil.rmtree(directory, ignore_errors=True)
                removed += 1
        return removed


# -- checking and importing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    target: bool


@dataclass(frozen=True)
class ShownProblem:
    file: str  # as shown: the uploaded file's name, or the path in the banks folder
    uploaded: bool
    line: int
    column: int
    message: str
    lines: list[SourceLine]

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class UploadCheck:
    files: list[str]
    problems: list[ShownProblem] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # banks-folder files the upload stands in for
    summary: str = ""
    report: ImportReport | None = None
    refused: list[str] = field(default_factory=list)
    import_set: bm.BankSet | None = None
    context: bm.BankSet | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.refused and self.import_set is not None


def _context(path: Path, line: int) -> list[SourceLine]:
    if line < 1:
        return []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    return [SourceLine(n, lines[n - 1], n == line) for n in range(first, last + 1)]


def check(upload: Upload, banks_dir: Path) -> UploadCheck:
    """Validate the upload with the banks folder (see the module docstring). Touches no database."""
    base = banks_dir.parent
    uploaded_alone = load_bank_set(upload.paths, base=upload.directory)
    ids = {("framework", k) for k in uploaded_alone.frameworks} | {("bank", k) for k in uploaded_alone.banks} | {
        ("test", k) for k in uploaded_alone.tests}
    result = UploadCheck(files=list(upload.files))
    kept: list[Path] = []
    if banks_dir.exists():
        folder = load_bank_set([banks_dir], base=base)
        redefined = {entity.file for kind, entities in (("framework", folder.frameworks), ("bank", folder.banks),
                                                        ("test", folder.tests))
                     for key, entity in entities.items() if (kind, key) in ids}
        for label, path in find_bank_files([banks_dir], base):
            if label in redefined:
                result.replaced.append(label)
            else:
                kept.append(path)
    combined = load_bank_set([*kept, *upload.paths], base=base)
    labels = {label: path for label, path in find_bank_files([*kept, *upload.paths], base)}
    uploaded_labels = {label for label, path in labels.items() if path.parent == upload.directory}
    for problem in combined.problems:
        path = labels.get(problem.file)
        is_upload = problem.file in uploaded_labels
        shown = path.name if is_upload and path is not None else problem.file
        result.problems.append(ShownProblem(shown, is_upload, problem.line, problem.column, problem.message,
                                            _context(path, problem.line) if path is not None else []))
    result.summary = combined.summary()
    result.context = combined
    if combined.ok:
        result.import_set = _import_part(combined, uploaded_alone)
    return result


def _import_part(combined: bm.BankSet, uploaded: bm.BankSet) -> bm.BankSet:
    """The uploaded frameworks, banks and tests (as validated with the folder), plus the
    frameworks they refer to."""
    banks = {k: combined.banks[k] for k in uploaded.banks if k in combined.banks}
    tests = {k: combined.tests[k] for k in uploaded.tests if k in combined.tests}
    needed = set(uploaded.frameworks) | {b.framework for b in banks.values()}
    for test in tests.values():
        needed.add(test.framework)
        needed.update(section.framework for section in test.sections)
    frameworks = {k: combined.frameworks[k] for k in sorted(needed) if k in combined.frameworks}
    return bm.BankSet(frameworks=frameworks, banks=banks, tests=tests, files=list(uploaded.files))


def preview_import(session: Session, result: UploadCheck) -> None:
    """Run the import and roll it back, to show what it would change (fills result.report or
    result.refused). The caller's session is rolled back afterwards."""
    if result.import_set is None:
        return
    try:
        result.report = import_bank_set(session, result.import_set, context=result.context)
    except ImportRefused as refused:
        result.refused = refused.problems
    finally:
        session.rollback()


def run_import(session: Session, result: UploadCheck, by: User | None = None) -> ImportReport | None:
    """Import for real, in the caller's transaction (the caller commits). None when refused
    (result.refused says why; nothing is written)."""
    if not result.ok or result.import_set is None:
        return None
    try:
        return import_bank_set(session, result.import_set, context=result.context, by=by)
    except ImportRefused as refused:
        session.rollback()
        result.refused = refused.problems
        return None
