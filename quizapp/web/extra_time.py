"""The extra-time form and page, shared by the employer and admin blueprints (each decides whose
extra time it may change; this module only shows and saves the form). What people type ("25%",
"+15 min") is read by quizapp.domain.timing.read_extra_time."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import StringField, SubmitField, ValidationError

from quizapp.domain import timing
from quizapp.services import accounts
from quizapp.web import clock
from .extensions import db
from quizapp.data.models import User


class ExtraTimeForm(FlaskForm):
    # (named `percent` since it held only a percentage: old links and tests post that name)
    percent = StringField("Extra time", widget=GovTextInput())
    submit = SubmitField("Save extra time", widget=GovSubmitInput())

    def validate_percent(self, field: StringField) -> None:
        try:
            self.extra = timing.read_extra_time(field.data or "")
        except timing.ExtraTimeProblem as problem:
            raise ValidationError(str(problem)) from None


def extra_time_page(candidate: User, back_url: str, done_url: str) -> str | Response:
    now = timing.ExtraTime(candidate.extra_time_percent, candidate.extra_time_minutes or 0)
    form = ExtraTimeForm(data={"percent": str(now)})
    if form.validate_on_submit():
        accounts.set_extra_time(candidate, form.extra.percent, current_user, clock.now(), minutes=form.extra.minutes)
        db.session.commit()
        flash(f"Extra time for {candidate.name} is now {form.extra}", "success")
        return redirect(done_url)
    return render_template("shared/extra_time.html", title=f"Extra time for {candidate.name}", form=form,
                           candidate=candidate, back_url=back_url)
