"""The extra-time form and page, shared by the employer and admin blueprints (each decides whose
extra time it may change; this module only shows and saves the form)."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from quizapp.services import accounts
from quizapp.web import clock
from .extensions import db
from quizapp.data.models import User


class PercentField(IntegerField):
    """A whole number of percent, written as people write it: "25", "25%", "+25 %"."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            valuelist = [str(valuelist[0]).strip().removesuffix("%").strip().removeprefix("+").strip()]
        super().process_formdata(valuelist)


class ExtraTimeForm(FlaskForm):
    percent = PercentField(
        "Extra time",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the extra time as a whole number, like 25"),
            # WTForms %-formats this message, so a literal % is written %%.
            NumberRange(min=0, max=accounts.EXTRA_TIME_MAX,
                        message=f"Extra time must be between 0%% and {accounts.EXTRA_TIME_MAX}%%"),
        ],
    )
    submit = SubmitField("Save extra time", widget=GovSubmitInput())


def extra_time_page(candidate: User, back_url: str, done_url: str) -> str | Response:
    form = ExtraTimeForm(data={"percent": candidate.extra_time_percent})
    if form.validate_on_submit():
        accounts.set_extra_time(candidate, int(form.percent.data or 0), current_user, clock.now())
        db.session.commit()
        flash(f"Extra time for {candidate.name} is now {candidate.extra_time_percent}%", "success")
        return redirect(done_url)
    # WTForms' own message for "abc" ("Not a valid integer value") is not one to show a person.
    written = str(form.percent.raw_data[0]).strip().removesuffix("%").strip().removeprefix("+").strip() \
        if form.percent.raw_data else ""
    if form.percent.errors and form.percent.raw_data and not written.lstrip("-").isdigit():
        form.percent.errors = ["Enter the extra time as a whole number, like 25"]
    return render_template("shared/extra_time.html", title=f"Extra time for {candidate.name}", form=form,
                           candidate=candidate, back_url=back_url)
