"""The emails the service sends, as data: who to, a subject, and the body in plain text and in
HTML, built from the same paragraphs and links. No Flask and no sending here (quizapp/mail.py
sends); the views give each builder the absolute links it needs.

Every message is plain: no images, no remote styles or fonts, no tracking pixels, and each link
goes straight to the page it names (no redirect or campaign parameters), so that what a person
sees in the plain text is exactly where the HTML link goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from markupsafe import Markup, escape


@dataclass(frozen=True)
class Link:
    """A link on a line of its own: the text says where it goes; the URL is shown in plain text."""

    text: str
    url: str


Block = str | Link


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """The plain-text body: paragraphs apart, each link as its text then its address."""
        parts = [f"{block.text}:\n{block.url}" if isinstance(block, Link) else block for block in self.blocks]
        return "\n\n".join(parts) + "\n"

    def html(self) -> str:
        """The HTML body: the same paragraphs and links, with nothing loaded from anywhere."""
        body = []
        for block in self.blocks:
            if isinstance(block, Link):
                body.append(Markup('<p><a href="{url}">{text}</a></p>').format(url=block.url, text=block.text))
            else:
                body.append(Markup("<p>{}</p>").format(block))
        return str(
            Markup(
                '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<title>{subject}</title>\n'
                "</head>\n<body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; "
                'color: #0b0c0c;">\n{body}\n</body>\n</html>\n'
            ).format(subject=self.subject, body=Markup("\n").join(body))
        )

    def links(self) -> list[str]:
        return [block.url for block in self.blocks if isinstance(block, Link)]


def _greeting(name: str | None) -> str:
    return f"Hello {name}," if name else "Hello,"


def _ignore(service: str) -> str:
    return f"If this was not you, you can ignore this email: nothing changes. {service} will not email you again about it."


def confirm_address(service: str, to: str, name: str | None, link: str, hours: int) -> Email:
    """To a new account's address: the link that confirms the address is theirs."""
    return Email(to, f"Confirm your email address for {service}", (
        _greeting(name),
        f"Someone (we hope you) created an account with {service} using this email address.",
        Link("Confirm your email address", link),
        f"The link works for {hours} hours. Until you confirm your address you can practise, but you "
        "cannot join an employer's organisation.",
        _ignore(service),
    ))


def confirm_new_address(service: str, to: str, name: str | None, link: str, hours: int) -> Email:
    """To the new address when someone changes their account's email address."""
    return Email(to, f"Confirm your new email address for {service}", (
        _greeting(name),
        f"You asked to use this email address for your account with {service}.",
        "Until you confirm it, you sign in with your old address.",
        Link("Confirm your new email address", link),
        f"The link works for {hours} hours.",
        _ignore(service),
    ))


def account_exists(service: str, to: str, name: str | None, sign_in_link: str, reset_link: str) -> Email:
    """To an address that already has an account, when someone tries to create another with it."""
    return Email(to, f"You already have an account with {service}", (
        _greeting(name),
        f"Someone (we hope you) tried to create an account with {service} using this email address. "
        "There is already an account for it, so no new account was made. You can sign in to it, "
        "or choose a new password if you have forgotten yours.",
        Link("Sign in", sign_in_link),
        Link("Reset your password", reset_link),
        _ignore(service),
    ))


def reset_password(service: str, to: str, name: str | None, link: str, minutes: int) -> Email:
    """The password reset link."""
    return Email(to, f"Reset your password for {service}", (
        _greeting(name),
        f"Someone (we hope you) asked to reset the password of your account with {service}.",
        Link("Choose a new password", link),
        f"The link works once, for {minutes} minutes. Choosing a new password signs you out everywhere else.",
        "If this was not you, you can ignore this email: your password stays as it is.",
    ))


def no_account(service: str, to: str, sign_up_link: str) -> Email:
    """To an address without an account, when someone asks to reset its password."""
    return Email(to, f"Reset your password for {service}", (
        "Hello,",
        f"Someone (we hope you) asked to reset the password of an account with {service} for this "
        "email address, but there is no account for it. You may have used another address.",
        Link("Create an account", sign_up_link),
        _ignore(service),
    ))


def invitation(service: str, to: str, organisation: str, team: str | None, link: str, code: str,
               expires_on: str, sender: str | None) -> Email:
    """An employer's invitation to join its organisation (and a team in it)."""
    where = f"{organisation} ({team})" if team else organisation
    by = f"{sender} at {organisation}" if sender else organisation
    return Email(to, f"{organisation} invites you to {service}", (
        "Hello,",
        f"{by} invites you to join {where} on {service}, where you can take practice tests for the "
        "knowledge and skills statements.",
        "The link shows the invitation, and exactly what your employer will see of your results, before "
        "you choose to join.",
        Link("See the invitation", link),
        f"Or sign in and enter the invitation code {code}.",
        f"The invitation works until {expires_on}. You need an account with a confirmed email address "
        "to join; the link lets you create one.",
        "If you were not expecting this, you can ignore this email.",
    ))
