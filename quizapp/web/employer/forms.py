"""The employer's forms (GOV.UK components through govuk-frontend-wtf)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovTextArea
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from quizapp.services.organisations import EXPIRY_DAYS, TEAM_NAME_MAX

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - WTForms before 3.3
    SelectChoice = None


def choice(value: str, label: str) -> object:
    return SelectChoice(value, label) if SelectChoice is not None else (value, label)


class TeamForm(FlaskForm):
    name = StringField(
        "Team name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter a name for the team"),
                    Length(max=TEAM_NAME_MAX, message=f"Team name must be {TEAM_NAME_MAX} characters or fewer")],
    )
    submit = SubmitField("Add team", widget=GovSubmitInput())


class RenameTeamForm(TeamForm):
    submit = SubmitField("Save name", widget=GovSubmitInput())


class InvitationForm(FlaskForm):
    team = SelectField("Team", widget=GovSelect(), choices=[choice("", "No team")], validate_choice=True)
    days = RadioField(
        "The invitation expires after",
        widget=GovRadioInput(),
        choices=[choice(str(d), f"{d} days") for d in EXPIRY_DAYS],
        default=str(EXPIRY_DAYS[0]),
        validators=[InputRequired(message="Choose when the invitation expires")],
    )
    submit = SubmitField("Create invitation", widget=GovSubmitInput())


class EmailInvitationsForm(InvitationForm):
    """Invitations by email: pasted addresses and/or a CSV file of them (the page gives this form
    the prefix "email", so its fields' ids differ from the link form's)."""

    addresses = TextAreaField(
        "Email addresses",
        widget=GovTextArea(),
        validators=[Length(max=100_000, message="Paste fewer addresses at a time")],
    )
    file = FileField("Or upload a CSV file of addresses", widget=GovFileInput())
    submit = SubmitField("Send invitations", widget=GovSubmitInput())
