"""Downloading a bank or a test (any the trainer sees; another organisation's is 404): as Moodle
XML, or as a bank or test file in our YAML format, ready to commit to question_banks/. Thin: the
files are written by quizapp.services.content_export."""

from __future__ import annotations

from flask import Response, abort

from quizapp.services import content_export, workspace

from ..auth_session import roles_required
from ..extensions import db
from . import bp
from .views import TRAINERS, _scope, _test_or_404, content_disposition


def _moodle_xml(text: str, name: str) -> Response:
    return Response(text, mimetype="application/xml",
                    headers={"Content-Disposition": content_disposition(f"{name}-moodle.xml")})


@bp.route("/banks/<key>/moodle.xml")
@roles_required(*TRAINERS)
def bank_moodle_xml(key: str) -> Response:
    """The bank as Moodle XML (any bank the trainer sees; another organisation's is 404)."""
    detail = workspace.bank(db.session, key, _scope()) or abort(404)
    return _moodle_xml(content_export.bank_xml(db.session, detail.bank), detail.bank.key)


@bp.route("/banks/<key>/bank.yaml")
@roles_required(*TRAINERS)
def bank_file(key: str) -> Response:
    """The bank as a bank file, ready to commit (any bank the trainer sees; another organisation's is 404)."""
    detail = workspace.bank(db.session, key, _scope()) or abort(404)
    return Response(content_export.bank_file(db.session, detail.bank), mimetype="application/yaml",
                    headers={"Content-Disposition": content_disposition(f"{detail.bank.key}.yaml")})


@bp.route("/tests/<key>/moodle.xml")
@roles_required(*TRAINERS)
def test_moodle_xml(key: str) -> Response:
    """What the test draws, as Moodle XML."""
    form = _test_or_404(key)
    return _moodle_xml(content_export.test_xml(db.session, form), form.key)


@bp.route("/tests/<key>/test.yaml")
@roles_required(*TRAINERS)
def test_file(key: str) -> Response:
    """The test as a test file, ready to commit (any test the trainer sees; another organisation's is 404)."""
    form = _test_or_404(key)
    return Response(content_export.test_file(form), mimetype="application/yaml",
                    headers={"Content-Disposition": content_disposition(f"{form.key}.yaml")})
