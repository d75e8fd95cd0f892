"""Account forms, rendered with the GOV.UK components through govuk-frontend-wtf."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import EmailField, SubmitField
from wtforms.validators import InputRequired, Length

from quizapp.web.form_fields import (
    EMAIL_MAX,
    confirm_password_field,
    current_password_field,
    email_field,
    name_field,
    new_password_field,
)


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=EMAIL_MAX)],
    )
    password = current_password_field()
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignUpForm(FlaskForm):
    name = name_field("Enter your full name")
    email = email_field("Enter your email address")
    password = new_password_field("Create a password", "Enter a password")
    confirm = confirm_password_field("Confirm password", "Confirm your password")
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    pass


class ForgotPasswordForm(FlaskForm):
    email = email_field("Enter your email address")
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password", "Enter a new password")
    confirm = confirm_password_field("Confirm new password", "Confirm your new password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResendConfirmationForm(FlaskForm):
    pass


class SsoSignInForm(FlaskForm):
    email = EmailField(
        "Work email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your work email address"), Length(max=EMAIL_MAX)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
