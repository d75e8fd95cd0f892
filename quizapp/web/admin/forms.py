"""The administrator's forms (GOV.UK components through govuk-frontend-wtf)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from quizapp.services.accounts import PASSWORD_MAX, PASSWORD_MIN
from quizapp.services.administration import ORGANISATION_NAME_MAX, ROLE_NAMES
from quizapp.web.employer.forms import choice
from quizapp.web.form_fields import confirm_password_field, email_field, name_field, new_password_field

ROLE_CHOICES = [choice(role, name) for role, name in ROLE_NAMES.items()]
ROLE_HINTS = {
    "candidate": "Takes tests; may belong to an organisation",
    "trainer": "Writes and imports question banks, and sees their item analysis",
    "employer": "Sees one organisation's people and results",
    "admin": "Manages accounts and organisations, and sees the audit trail",
}


class AccountForm(FlaskForm):
    name = name_field("Enter the person's full name")
    email = email_field("Enter the person's email address")
    role = RadioField("Role", widget=GovRadioInput(), choices=ROLE_CHOICES,
                      validators=[InputRequired(message="Choose the account's role")])
    organisation = SelectField("Organisation", widget=GovSelect(), choices=[choice("", "None")], validate_choice=True)
    password = new_password_field(
        "First password", "Enter a first password",
        description=f"{PASSWORD_MIN} to {PASSWORD_MAX} characters. Give it to the person by a safe route; they can "
                    "change it on their account page.")
    confirm = confirm_password_field("Confirm first password", "Confirm the first password")
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


class SsoForm(FlaskForm):
    """An organisation's OpenID provider. The client secret is never shown back: the field is for a
    new one (required the first time; left blank later, the stored one is kept)."""

    issuer = StringField("Issuer URL", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the issuer URL"), Length(max=500, message="Issuer URL must be 500 characters or fewer")])
    client_id = StringField("Client ID", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the client ID"), Length(max=255, message="Client ID must be 255 characters or fewer")])
    client_secret = PasswordField("Client secret", widget=GovPasswordInput(), validators=[
        Length(max=500, message="Client secret must be 500 characters or fewer")])
    domains = TextAreaField("Email domains", widget=GovTextArea(), validators=[
        InputRequired(message="Enter at least one email domain"), Length(max=5000)])
    submit = SubmitField("Check and save", widget=GovSubmitInput())
