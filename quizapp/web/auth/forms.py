"""Account forms, rendered with the GOV.UK components through govuk-frontend-wtf."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from quizapp.services.accounts import PASSWORD_MAX, PASSWORD_MIN


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=PASSWORD_MAX * 4)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignUpForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your full name"), Length(max=200, message="Name must be 200 characters or fewer")],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com", check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters. A few unrelated words make a strong password.",
        validators=[
            InputRequired(message="Enter a password"),
            Length(min=PASSWORD_MIN, message=f"Password must be {PASSWORD_MIN} characters or more"),
            Length(max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer"),
        ],
    )
    confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm your password"), EqualTo("password", message="Passwords must match")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    pass


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com", check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
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


class ResendConfirmationForm(FlaskForm):
    pass
