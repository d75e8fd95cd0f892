"""The account fields that several forms share (sign-up, reset, the account page, the admin's new
account), made in one place so that their limits and messages cannot drift apart. Each function
returns a fresh field with the form's own label and "enter ..." message."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from quizapp.services.accounts import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN

EMAIL_MAX = 254
PASSWORD_HINT = f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters. A few unrelated words make a strong password."


def name_field(required: str, label: str = "Full name") -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[
        InputRequired(message=required), Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer")])


def email_field(required: str, label: str = "Email address") -> EmailField:
    return EmailField(label, widget=GovTextInput(), validators=[
        InputRequired(message=required),
        Email(message="Enter an email address in the correct format, like name@example.com", check_deliverability=False),
        Length(max=EMAIL_MAX, message=f"Email address must be {EMAIL_MAX} characters or fewer"),
    ])


def current_password_field(label: str = "Password", required: str = "Enter your password") -> PasswordField:
    """A password to check, not to set: only bounded, so a huge one is refused before hashing."""
    return PasswordField(label, widget=GovPasswordInput(),
                         validators=[InputRequired(message=required), Length(max=PASSWORD_MAX * 4)])


def new_password_field(label: str, required: str, description: str = PASSWORD_HINT) -> PasswordField:
    return PasswordField(label, widget=GovPasswordInput(), description=description, validators=[
        InputRequired(message=required),
        Length(min=PASSWORD_MIN, message=f"Password must be {PASSWORD_MIN} characters or more"),
        Length(max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer"),
    ])


def confirm_password_field(label: str, required: str) -> PasswordField:
    """Must equal the form's ``password`` field."""
    return PasswordField(label, widget=GovPasswordInput(), validators=[
        InputRequired(message=required), EqualTo("password", message="Passwords must match")])
