"""Single sign-on, free of Flask: an administrator registering an organisation's OpenID provider,
finding the provider for a work email address, and the account a checked sign-in gives (the
protocol itself is in quizapp/services/oidc_client.py).

The rules:
- An account signed in by single sign-on is found by its provider identity (issuer, subject),
  never by its email address alone: a second sign-in comes back to the same account even if the
  address changed at the provider.
- A first sign-in makes a new candidate account (the provider vouched for the address, so it is
  confirmed) and links the identity to it.
- If an account here already has that email address and no identity from this provider, the
  sign-in is refused: the provider, or whoever can create accounts there, would otherwise take
  over an account they never proved is theirs. The person signs in with their password and
  links the organisation's account on **Your account** (`link_identity`).
- A disabled account cannot sign in this way either.
Every outcome goes in the audit trail with the method "sso"; the client secret never does.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.data.models import Organisation, SsoDomain, SsoIdentity, SsoProvider, User
from quizapp.data.models._types import utcnow
from quizapp.services import accounts, audit
from quizapp.services.oidc_client import Endpoints, Person

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
MAX_DOMAINS = 20
CLIENT_FIELD_MAX = 255
SECRET_MAX = 500


class SsoError(ValueError):
    """A rule about single sign-on set-up was broken; `field` names the form field it is about."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def parse_domains(text: str) -> list[str]:
    """The domains an administrator typed (commas, spaces or one a line; a leading @ is dropped),
    lower-cased, in order, without repeats; an SsoError names any that is not a domain."""
    found: list[str] = []
    for token in re.split(r"[,;\s]+", text.lower()):
        token = token.strip().lstrip("@")
        if not token:
            continue
        if not DOMAIN_RE.match(token):
            raise SsoError(f"{token} is not an email domain: enter domains like council.example.gov.uk", "domains")
        if token not in found:
            found.append(token)
    if not found:
        raise SsoError("Enter at least one email domain", "domains")
    if len(found) > MAX_DOMAINS:
        raise SsoError(f"Enter up to {MAX_DOMAINS} email domains", "domains")
    return found


def provider_of(session: Session, organisation_id: int) -> SsoProvider | None:
    return session.scalar(select(SsoProvider).where(SsoProvider.organisation_id == organisation_id))


def check_client(client_id: str, secret: str, *, needs_secret: bool) -> None:
    if not client_id.strip():
        raise SsoError("Enter the client ID", "client_id")
    if len(client_id.strip()) > CLIENT_FIELD_MAX:
        raise SsoError(f"Client ID must be {CLIENT_FIELD_MAX} characters or fewer", "client_id")
    if needs_secret and not secret.strip():
        raise SsoError("Enter the client secret", "client_secret")
    if len(secret.strip()) > SECRET_MAX:
        raise SsoError(f"Client secret must be {SECRET_MAX} characters or fewer", "client_secret")


def save_provider(session: Session, by: User, organisation: Organisation, endpoints: Endpoints, client_id: str,
                  new_secret: str, domains: list[str], now: datetime | None = None) -> SsoProvider:
    """Register or change the organisation's provider (after discovery was read and checked).
    A blank `new_secret` keeps the stored one. A domain another organisation signs in with is refused."""
    provider = provider_of(session, organisation.id)
    check_client(client_id, new_secret, needs_secret=provider is None)
    taken = session.scalars(select(SsoDomain).where(SsoDomain.domain.in_(domains))).all()
    for domain in taken:
        if provider is None or domain.provider_id != provider.id:
            raise SsoError(f"{domain.domain} is already a single sign-on domain of another organisation", "domains")
    now = now or utcnow()
    created = provider is None
    if provider is None:
        provider = SsoProvider(organisation_id=organisation.id)
        session.add(provider)
    before = (provider.issuer, provider.client_id, sorted(d.domain for d in provider.domains)) if not created else None
    provider.issuer = endpoints.issuer
    provider.client_id = client_id.strip()
    secret_changed = bool(new_secret.strip())
    if secret_changed:
        provider.client_secret = new_secret.strip()
    provider.endpoints = endpoints.as_dict()
    provider.updated_at = now
    provider.updated_by_id = by.id
    provider.domains = [d for d in provider.domains if d.domain in domains] + [
        SsoDomain(domain=d) for d in domains if d not in {x.domain for x in provider.domains}]
    session.flush()
    after = (provider.issuer, provider.client_id, sorted(domains))
    if created or before != after or secret_changed:
        audit.record(session, "sso.configured", actor=by, organisation=organisation, now=now,
                     action="added" if created else "changed", issuer=provider.issuer, client_id=provider.client_id,
                     domains=sorted(domains), secret_changed=secret_changed)
    return provider


def remove_provider(session: Session, by: User, organisation: Organisation, now: datetime | None = None) -> bool:
    """Turn single sign-on off for the organisation. Accounts and their identities stay: if it is
    registered again with the same issuer, its people come back to the same accounts."""
    provider = provider_of(session, organisation.id)
    if provider is None:
        return False
    session.delete(provider)
    session.flush()
    audit.record(session, "sso.configured", actor=by, organisation=organisation, now=now, action="removed")
    return True


def email_domain(email: str) -> str:
    return accounts.normalise_email(email).rsplit("@", 1)[-1]


def provider_for_email(session: Session, email: str) -> SsoProvider | None:
    """The provider whose people sign in from this address's domain, if any."""
    domain = email_domain(email)
    found = session.get(SsoDomain, domain) if domain else None
    return found.provider if found is not None else None


def authorization_endpoints(session: Session) -> list[str]:
    """Every registered provider's sign-in page address (the sign-in form may lead to any of them)."""
    return [str(endpoints.get("authorization_endpoint", "")) for endpoints in session.scalars(select(SsoProvider.endpoints))]


def domains_of(provider: SsoProvider) -> set[str]:
    return {d.domain for d in provider.domains}


@dataclass(frozen=True)
class Outcome:
    """What a checked sign-in gave: an account signed in (`created` if new), or a refusal with a
    message fit to show and a short reason for the audit trail."""

    user: User | None
    created: bool = False
    message: str = ""
    reason: str = ""


EXISTING_ACCOUNT = ("There is already an account here with the email address {email}, made without your "
                    "organisation's sign-in. Sign in with that account's email address and password, then link "
                    "your organisation's account on Your account. Forgotten the password? Reset it from the "
                    "sign-in page.")
DISABLED = "This account has been disabled. Ask your organisation's administrator if you need it again."


def identity_of(session: Session, issuer: str, subject: str) -> SsoIdentity | None:
    return session.scalar(select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject))


def sign_in(session: Session, provider: SsoProvider, person: Person, *, now: datetime | None = None,
            ip: str | None = None) -> Outcome:
    """The account for a person the provider vouched for (see the rules above), recorded in the audit trail."""
    now = now or utcnow()
    where = {"network": audit.network_of(ip)} if ip else {}
    identity = identity_of(session, person.issuer, person.subject)
    if identity is not None:
        user = identity.user
        created = False
    else:
        existing = accounts.find_user(session, person.email)
        if existing is not None:
            audit.record(session, "signin.failed", user=existing, organisation=provider.organisation_id, now=now,
                         method="sso", reason="an account already has this email address", **where)
            return Outcome(None, message=EXISTING_ACCOUNT.format(email=person.email),
                           reason="an account already has this email address")
        user = accounts.create_user(session, person.email, secrets.token_urlsafe(32), name=person.name,
                                    role="candidate", verified=True, now=now)
        identity = SsoIdentity(user_id=user.id, issuer=person.issuer, subject=person.subject, created_at=now)
        session.add(identity)
        created = True
    if user.disabled_at is not None:
        audit.record(session, "signin.failed", user=user, organisation=provider.organisation_id, now=now,
                     method="sso", reason="account disabled", **where)
        return Outcome(None, message=DISABLED, reason="account disabled")
    identity.last_signin_at = now
    user.last_signin_at = now
    session.flush()
    audit.record(session, "signin.succeeded", actor=user, user=user, organisation=provider.organisation_id, now=now,
                 method="sso", **where)
    return Outcome(user, created=created)


def record_failure(session: Session, provider: SsoProvider | None, reason: str, *, now: datetime | None = None,
                   ip: str | None = None) -> None:
    """A single sign-on that failed before anyone was known (a bad state, token or claim)."""
    where = {"network": audit.network_of(ip)} if ip else {}
    audit.record(session, "signin.failed", organisation=provider.organisation_id if provider else None, now=now,
                 method="sso", reason=reason, **where)


def link_identity(session: Session, user: User, provider: SsoProvider, person: Person,
                  now: datetime | None = None) -> None:
    """Link a provider identity to the signed-in account (its owner proved both: their password
    here, and the sign-in at the provider). An identity already linked to another account is refused."""
    identity = identity_of(session, person.issuer, person.subject)
    if identity is not None and identity.user_id != user.id:
        raise SsoError("That organisation account is already linked to another account here", "sso")
    if identity is None:
        session.add(SsoIdentity(user_id=user.id, issuer=person.issuer, subject=person.subject, created_at=now or utcnow()))
        session.flush()
        audit.record(session, "sso.linked", actor=user, user=user, organisation=provider.organisation_id, now=now,
                     issuer=person.issuer)


def identities_of(session: Session, user: User) -> list[SsoIdentity]:
    return list(session.scalars(select(SsoIdentity).where(SsoIdentity.user_id == user.id).order_by(SsoIdentity.id)))
