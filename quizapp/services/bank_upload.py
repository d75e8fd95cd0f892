"""Bank files uploaded by a trainer in the browser: kept in the database as a draft, checked,
previewed, and published all or nothing. No Flask here.

Draft, check, publish. An upload is stored as it was sent (`WebUpload`: the files as the trainer
named them, who uploaded them and when, for which owner: quizapp.services.ownership). It stays a draft,
whose content is in no table a candidate's draw reads, until a trainer of the same owner
publishes it; publishing checks it again, refuses placeholders a converter left (lint's
`placeholder` rule: a rationale reading TODO, a CHANGE-ME), imports it with origin "web" and the
owner, and records who published it and what changed. A full `quizapp import` of the banks
folder never retires web content (quizapp.services.importer).

How an upload is checked: the files are validated together with the banks folder and with the
files of the owner's earlier published uploads (oldest first), so that a bank can name a
framework, and a test the banks, that live there. A file of an earlier layer that defines a
framework, bank or test id that a later layer defines too is left out: the later one takes its
place (the page lists the folder files an upload stands in for; publishing over the folder's
content is refused: it changes in the folder). Every problem in the resulting set is reported.

`quizapp import --draft` keeps the folder's files the same way (`save_folder_draft`, origin
"folder", owned by the service): checked, previewed and published here like an upload, but
imported as folder content, as `quizapp import` would.

Files are checked in a temporary folder that is deleted at once; problems name the files as the
trainer named them and the folder's files by their path in it, never a path on the server.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.banks import model as bm
from quizapp.banks.lint import placeholders
from quizapp.banks.validate import BANK_SUFFIXES, find_bank_files, load_bank_set
from quizapp.banks.yamlsafe import MAX_FILE_BYTES
from .importer import ImportRefused, ImportReport, import_bank_set
from quizapp.data.models import Framework, User, WebUpload
from .ownership import Scope

MAX_FILES = 20
CONTEXT_LINES = 2
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
UPLOAD_DIR = "your-upload"
PUBLISHED_DIR = "published"


class UploadError(ValueError):
    """The upload itself is unacceptable (no files, wrong kind, too large); the message says why."""


def _display_name(raw: str) -> str:
    """The file's name as the trainer named it, without any folders their browser sent."""
    return raw.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _safe(name: str) -> bool:
    return bool(name) and name not in {".", ".."} and not name.startswith(".") and "\x00" not in name


def save(session: Session, user: User, owner_id: int | None, files: list[tuple[str, bytes]], now: datetime) -> WebUpload:
    """Keep the files as a new draft (the caller commits). Raises UploadError for an unacceptable upload."""
    if not files:
        raise UploadError("Choose one or more YAML files to upload")
    if len(files) > MAX_FILES:
        raise UploadError(f"Upload at most {MAX_FILES} files at a time")
    kept: list[dict[str, str]] = []
    names: list[str] = []
    for raw_name, data in files:
        name = _display_name(raw_name or "")
        if not _safe(name) or not name.lower().endswith(BANK_SUFFIXES):
            raise UploadError(f"'{name or raw_name}' is not a YAML file: the file name must end in .yaml or .yml")
        if len(data) > MAX_FILE_BYTES:
            raise UploadError(f"'{name}' is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError(f"'{name}' is not UTF-8 text: save it as UTF-8 and upload it again") from None
        stem, dot, suffix = name.rpartition(".")
        candidate, n = name, 2
        while candidate in names:
            candidate, n = f"{stem}-{n}{dot}{suffix}", n + 1
        names.append(candidate)
        kept.append({"name": candidate, "text": text})
    upload = WebUpload(token=secrets.token_urlsafe(24), organisation_id=owner_id, uploaded_by_id=user.id,
                       uploaded_at=now, files=kept, status="draft", changes=[])
    session.add(upload)
    session.flush()
    return upload


def save_folder_draft(session: Session, files: list[tuple[str, str]], full_sync: bool, now: datetime) -> WebUpload:
    """Keep bank files of the banks folder as a draft of the service's folder content
    (`quizapp import --draft`; the caller commits). `files` are (name shown, text); no limit on
    their number, as the folder's own files are not an upload. Publishing it imports them as a
    `quizapp import` would (with `full_sync`, retiring the folder content they no longer have)."""
    upload = WebUpload(token=secrets.token_urlsafe(24), organisation_id=None, uploaded_by_id=None, uploaded_at=now,
                       files=[{"name": name, "text": text} for name, text in files], status="draft", changes=[],
                       origin="folder", full_sync=full_sync)
    session.add(upload)
    session.flush()
    return upload


def get(session: Session, token: str, scope: Scope) -> WebUpload | None:
    """The upload, if the token is well formed and its owner is the viewer's (admins: any)."""
    if not _TOKEN.fullmatch(token):
        return None
    upload = session.scalar(select(WebUpload).where(WebUpload.token == token))
    if upload is None or not (scope.everything or upload.organisation_id == scope.organisation_id):
        return None
    return upload


def uploads_of(session: Session, scope: Scope) -> list[WebUpload]:
    """The owner's uploads, newest first (admins: every upload)."""
    query = select(WebUpload).order_by(WebUpload.uploaded_at.desc(), WebUpload.id.desc())
    if not scope.everything:
        query = query.where(WebUpload.organisation_id.is_(None) if scope.organisation_id is None
                            else WebUpload.organisation_id == scope.organisation_id)
    return list(session.scalars(query))


def _published(session: Session, owner_id: int | None, before: WebUpload) -> list[WebUpload]:
    # Only trainers' uploads: a published folder draft is the folder's content, which the
    # folder itself holds (its old texts must never stand in for the folder's newer files).
    query = (select(WebUpload).where(WebUpload.status == "published", WebUpload.id != before.id,
                                     WebUpload.origin == "web")
             .order_by(WebUpload.published_at, WebUpload.id))
    query = query.where(WebUpload.organisation_id.is_(None) if owner_id is None else WebUpload.organisation_id == owner_id)
    return list(session.scalars(query))


# -- checking and publishing ------------------------------------------------------------------------


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
    warnings: list[ShownProblem] = field(default_factory=list)  # allowed, but probably not meant
    notes: list[str] = field(default_factory=list)  # checks skipped, and why
    replaced: list[str] = field(default_factory=list)  # banks-folder files the upload stands in for
    summary: str = ""
    report: ImportReport | None = None
    refused: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # what stops publishing
    import_set: bm.BankSet | None = None
    context: bm.BankSet | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.refused and self.import_set is not None

    @property
    def publishable(self) -> bool:
        return self.ok and not self.placeholders and self.report is not None and bool(self.report.changes)


def _context(text: str, line: int) -> list[SourceLine]:
    if line < 1:
        return []
    lines = text.splitlines()
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    return [SourceLine(n, lines[n - 1], n == line) for n in range(first, last + 1)]


def _ids(bank_set: bm.BankSet) -> dict[str, set[tuple[str, str]]]:
    """The framework, bank and test ids each file defines."""
    out: dict[str, set[tuple[str, str]]] = {}
    for kind, entities in (("framework", bank_set.frameworks), ("bank", bank_set.banks), ("test", bank_set.tests)):
        for key, entity in entities.items():
            out.setdefault(entity.file, set()).add((kind, key))
    return out


def check(session: Session, upload: WebUpload, banks_dir: Path) -> UploadCheck:
    """Validate the upload with the banks folder and the owner's published uploads (see the
    module docstring), and find what publishing would change (nothing is written)."""
    result = UploadCheck(files=[f["name"] for f in upload.files])
    with tempfile.TemporaryDirectory(prefix="quizapp-check-") as tmp:
        root = Path(tmp)
        shown: dict[str, tuple[str, str, bool]] = {}  # label -> (shown name, text, uploaded)
        layers: list[list[Path]] = []
        if banks_dir.exists():
            link = root / banks_dir.name
            link.symlink_to(banks_dir.resolve(), target_is_directory=True)
            layers.append([link])
        for earlier in _published(session, upload.organisation_id, upload):
            folder = root / PUBLISHED_DIR / str(earlier.id)
            layers.append(_write(folder, earlier.files, root, shown, uploaded=False,
                                 suffix=f" (published {earlier.published_at:%d %b %Y})" if earlier.published_at else ""))
        mine = _write(root / UPLOAD_DIR, upload.files, root, shown, uploaded=True)
        layers.append(mine)
        alone = [load_bank_set(layer, base=root) for layer in layers]
        later: set[tuple[str, str]] = set()
        kept: list[Path] = []
        for layer, loaded in reversed(list(zip(layers, alone, strict=True))):
            defined = _ids(loaded)
            for label, path in find_bank_files(layer, root):
                if defined.get(label, set()) & later:
                    if layer is layers[0] and banks_dir.exists():
                        result.replaced.append(label)
                    continue
                kept.append(path)
            later |= {key for keys in defined.values() for key in keys}
        result.replaced.sort()
        combined = load_bank_set(kept, base=root)
        rename = {label: name for label, (name, _text, _up) in shown.items()}
        for found, into in ((combined.problems, result.problems), (combined.warnings, result.warnings)):
            for problem in found:
                name, text, uploaded = shown.get(problem.file, (problem.file, "", False))
                lines = _context(text, problem.line) if text else _folder_context(root / problem.file, problem.line)
                into.append(ShownProblem(name, uploaded, problem.line, problem.column,
                                         _renamed(problem.message, rename), lines))
        result.notes = [_renamed(note, rename) for note in combined.notes]
        result.summary = combined.summary()
        result.context = combined
        uploaded_alone = alone[-1]
        if combined.ok:
            result.import_set = _import_part(combined, uploaded_alone)
            result.placeholders = [_renamed(str(w), rename) for w in placeholders(result.import_set)]
            _preview(session, result, upload.organisation_id, rename, upload.origin, upload.full_sync)
    return result


def _write(folder: Path, files: list[dict[str, str]], root: Path, shown: dict[str, tuple[str, str, bool]], *,
           uploaded: bool, suffix: str = "") -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for n, entry in enumerate(files):
        # Numbered on disk (names are the trainer's, shown as they were given, never used as paths).
        path = folder / f"{n:03d}{'.yml' if entry['name'].lower().endswith('.yml') else '.yaml'}"
        path.write_text(entry["text"], encoding="utf-8")
        shown[path.relative_to(root).as_posix()] = (entry["name"] + suffix, entry["text"], uploaded)
        paths.append(path)
    return paths


def _folder_context(path: Path, line: int) -> list[SourceLine]:
    try:
        return _context(path.read_text(encoding="utf-8", errors="replace"), line)
    except OSError:
        return []


def _renamed(text: str, rename: dict[str, str]) -> str:
    for label in sorted(rename, key=len, reverse=True):
        text = text.replace(label, rename[label])
    return text


def _import_part(combined: bm.BankSet, uploaded: bm.BankSet) -> bm.BankSet:
    """The uploaded frameworks, banks and tests, as validated with the rest (the frameworks
    they refer to must already be in the service)."""
    frameworks = {k: combined.frameworks[k] for k in uploaded.frameworks if k in combined.frameworks}
    banks = {k: combined.banks[k] for k in uploaded.banks if k in combined.banks}
    tests = {k: combined.tests[k] for k in uploaded.tests if k in combined.tests}
    return bm.BankSet(frameworks=frameworks, banks=banks, tests=tests, files=list(uploaded.files))


def _missing_frameworks(session: Session, result: UploadCheck) -> list[str]:
    assert result.import_set is not None
    needed = {b.framework for b in result.import_set.banks.values()}
    for test in result.import_set.tests.values():
        needed.add(test.framework)
        needed.update(section.framework for section in test.sections)
    needed -= set(result.import_set.frameworks)
    present = set(session.scalars(select(Framework.key).where(Framework.key.in_(sorted(needed)))))
    return [f"framework '{key}' is not in the service yet: ask an administrator to import it first"
            for key in sorted(needed - present)]


def _preview(session: Session, result: UploadCheck, owner_id: int | None, rename: dict[str, str],
             origin: str = "web", full_sync: bool = False) -> None:
    """Run the import and roll it back, to show what publishing would change."""
    result.refused = _missing_frameworks(session, result)
    if result.refused or result.import_set is None:
        return
    try:
        result.report = import_bank_set(session, result.import_set, context=result.context, owner_id=owner_id,
                                        origin=origin, prune=full_sync)
    except ImportRefused as refused:
        result.refused = [_renamed(line, rename) for line in refused.problems]
    finally:
        session.rollback()


def publish(session: Session, upload: WebUpload, banks_dir: Path, user: User, now: datetime) -> tuple[UploadCheck, ImportReport | None]:
    """Check the draft again and publish it in the caller's transaction (the caller commits).
    The report is None when it cannot be published (the check says why; nothing is written)."""
    result = check(session, upload, banks_dir)
    if upload.status != "draft" or not result.publishable or result.import_set is None:
        return result, None
    try:
        report = import_bank_set(session, result.import_set, context=result.context, owner_id=upload.organisation_id,
                                 origin=upload.origin, prune=upload.full_sync, now=now, by=user)
    except ImportRefused as refused:
        session.rollback()
        result.refused = refused.problems
        return result, None
    upload.status = "published"
    upload.published_by_id = user.id
    upload.published_at = now
    upload.changes = report.lines()
    return result, report


def discard(upload: WebUpload) -> None:
    """A draft nobody will publish: kept in the history, marked discarded."""
    if upload.status == "draft":
        upload.status = "discarded"
