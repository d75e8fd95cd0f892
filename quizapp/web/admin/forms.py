"""The administrator's forms (GOV.UK components through govuk-frontend-wtf)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from quizapp.services.accounts import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from quizapp.services.administration import ORGANISATION_NAME_MAX, ROLE_NAMES
from quizapp.web.employer.forms import choice

ROLE_CHOICES = [choice(role, name) for role, name in ROLE_NAMES.items()]
ROLE_HINTS = {
    "candidate": "Takes tests; may belong to an organisation",
    "trainer": "Writes and imports question banks, and sees their item analysis",
    "employer": "Sees one organisation's people and results",
    "admin": "Manages accounts and organisations, and sees the audit trail",
}


class AccountForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the person's full name"),
        Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer")])
    email = EmailField("Email address", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the person's email address"),
        Email(message="Enter an email address in the correct format, like name@example.com", check_deliverability=False),
        Length(max=254, message="Email address must be 254 characters or fewer")])
    role = RadioField("Role", widget=GovRadioInput(), choices=ROLE_CHOICES,
                      validators=[InputRequired(message="Choose the account's role")])
    organisation = SelectField("Organisation", widget=GovSelect(), choices=[choice("", "None")], validate_choice=True)
    password = PasswordField(
        "First password", widget=GovPasswordInput(),
        description=f"{PASSWORD_MIN} to {PASSWORD_MAX} characters. Give it to the person by a safe route; they can "
                    "change it on their account page.",
        validators=[InputRequired(message="Enter a first password"),
                    Length(min=PASSWORD_MIN, message=f"Password must be {PASSWORD_MIN} characters or more"),
                    Length(max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer")])
    confirm = PasswordField("Confirm first password", widget=GovPasswordInput(), validators=[
        InputRequired(message="Confirm the first password"), EqualTo("password", message="Passwords must match")])
    submit = SubmitField("Create account", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = RadioField("Role", widget=GovRadioInput(), choices=ROLE_CHOICES,
                      validators=[InputRequired(message="Choose a role")])
    submit = SubmitField("Change role", widget=GovSubmitInput())


class AttachForm(FlaskForm):
    organisation = SelectField("Organisation", widget=GovSelect(), choices=[], validate_choice=True,
                               validators=[InputRequired(message="Choose an organisation")])
    submit = SubmitField("Save organisation", widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    name = StringField("Organisation name", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the organisation's name"),
        Length(max=ORGANISATION_NAME_MAX, message=f"Organisation name must be {ORGANISATION_NAME_MAX} characters or fewer")])
    submit = SubmitField("Create organisation", widget=GovSubmitInput())


class RenameOrganisationForm(OrganisationForm):
    submit = SubmitField("Save name", widget=GovSubmitInput())
