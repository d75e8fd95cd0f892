"""Retiring and restoring single items and tests published from the browser (web content), each
after a page that asks first and says which tests it would stop. Thin: the work is in
quizapp.services.web_content. (Whole banks are retired, restored and deleted in views.py.)"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from quizapp.data.models import Bank, Item, TestForm
from quizapp.services import ownership, web_content
from quizapp.web import clock

from ..auth_session import roles_required
from ..extensions import db
from . import bp

TRAINERS = ("trainer", "admin")


def _scope() -> ownership.Scope:
    return ownership.scope_of(current_user)


def _managed_item(key: str) -> Item:
    found = db.session.scalar(select(Item).join(Bank, Bank.id == Item.bank_id)
                              .where(Item.key == key, _scope().where(Bank.organisation_id)))
    if found is None:
        abort(404)  # no such item, or another organisation's
    if not web_content.item_manageable(found, _scope()):
        abort(403)  # the folder's items change in the folder
    return found


def _managed_test(key: str) -> TestForm:
    found = db.session.scalar(select(TestForm).where(TestForm.key == key, _scope().where(TestForm.organisation_id)))
    if found is None:
        abort(404)
    if not web_content.test_manageable(found, _scope()):
        abort(403)
    return found


@bp.route("/items/<key>/retire", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def item_retire(key: str) -> Response | str:
    item = _managed_item(key)
    if request.method == "POST":
        if web_content.set_retired(db.session, item, True, clock.now(), current_user):
            db.session.commit()
        flash(f"Item {item.key} retired: no new attempt draws it. Attempts that showed it keep it.", "success")
        return redirect(url_for(".item", key=key))
    short, others = web_content.tests_short_without(db.session, item, _scope()) if item.retired_at is None else ([], 0)
    return render_template("trainer/retire_confirm.html", title=f"Retire item {item.key}", kind="item", key=key,
                           back=url_for(".item", key=key), action=url_for(".item_retire", key=key),
                           already=item.retired_at is not None, short=short, others=others)


@bp.route("/items/<key>/restore", methods=["POST"])
@roles_required(*TRAINERS)
def item_restore(key: str) -> Response:
    item = _managed_item(key)
    if web_content.set_retired(db.session, item, False, clock.now(), current_user):
        db.session.commit()
    if item.bank.retired_at is not None:
        flash(f"Item {item.key} restored, but its bank is retired: restore the bank too before tests draw it.",
              "success")
    else:
        flash(f"Item {item.key} restored: new attempts may draw it again.", "success")
    return redirect(url_for(".item", key=key))


@bp.route("/tests/<key>/retire", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def test_retire(key: str) -> Response | str:
    test = _managed_test(key)
    if request.method == "POST":
        if web_content.set_retired(db.session, test, True, clock.now(), current_user):
            db.session.commit()
        flash(f"Test {test.title} retired: candidates no longer see it or start it. Past results are kept.",
              "success")
        return redirect(url_for(".test", key=key))
    return render_template("trainer/retire_confirm.html", title=f"Retire {test.title}", kind="test", key=key,
                           back=url_for(".test", key=key), action=url_for(".test_retire", key=key),
                           already=test.retired_at is not None, short=[], others=0)


@bp.route("/tests/<key>/restore", methods=["POST"])
@roles_required(*TRAINERS)
def test_restore(key: str) -> Response:
    test = _managed_test(key)
    if web_content.set_retired(db.session, test, False, clock.now(), current_user):
        db.session.commit()
    flash(f"Test {test.title} restored: its candidates see it again.", "success")
    return redirect(url_for(".test", key=key))
