"""The account page's forms (GOV.UK components through govuk-frontend-wtf)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from quizapp.services.accounts import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN


class NameForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your full name"),
                    Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer")],
    )
    submit = SubmitField("Save name", widget=GovSubmitInput())


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), Length(max=PASSWORD_MAX * 4)],
    )
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters. A few unrelated words make a strong password.",
        validators=[
            InputRequired(message="Enter a new password"),
            Length(min=PASSWORD_MIN, message=f"Password must be {PASSWORD_MIN} characters or more"),
            Length(max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer"),
        ],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm your new password"), EqualTo("password", message="Passwords must match")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class EmailForm(FlaskForm):
    email = EmailField(
        "New email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your new email address"),
            Email(message="Enter an email address in the correct format, like name@example.com", check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    current = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=PASSWORD_MAX * 4)],
    )
    submit = SubmitField("Send a confirmation link", widget=GovSubmitInput())
