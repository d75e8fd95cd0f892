"""The account page's forms (GOV.UK components through govuk-frontend-wtf)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from quizapp.web.form_fields import (
    confirm_password_field,
    current_password_field,
    email_field,
    name_field,
    new_password_field,
)


class NameForm(FlaskForm):
    name = name_field("Enter your full name")
    submit = SubmitField("Save name", widget=GovSubmitInput())


class PasswordForm(FlaskForm):
    current = current_password_field("Current password", "Enter your current password")
    password = new_password_field("New password", "Enter a new password")
    confirm = confirm_password_field("Confirm new password", "Confirm your new password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class EmailForm(FlaskForm):
    email = email_field("Enter your new email address", label="New email address")
    current = current_password_field("Your password")
    submit = SubmitField("Send a confirmation link", widget=GovSubmitInput())


class DeleteAccountForm(FlaskForm):
    current = current_password_field("Your password", "Enter your password to delete your account")
    submit = SubmitField("Delete my account", widget=GovSubmitInput())
