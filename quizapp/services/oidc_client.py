"""The OpenID Connect protocol of single sign-on, free of Flask and the database: reading a
provider's discovery document, the authorization code flow with PKCE (Authlib's OAuth 2.0
client), and checking the ID token (joserfc, Authlib's JOSE library): its signature against the
provider's published keys (JWKS), its issuer, audience, expiry and nonce, that the provider says
the email address is verified, and that the address is in one of the allowed domains.

Every failure is an OidcError whose `message` is fit to show to the person and whose `reason`
is a short phrase for the audit trail (never a token or a secret).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10
SCOPE = "openid email profile"
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60  # clocks differ a little between us and the provider
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class OidcError(Exception):
    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a provider's address: it must be https (http only on this machine's
    loopback, for development and the tests), with no query or fragment."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Enter the issuer URL in full, starting with https://"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return "The issuer URL must start with https://"
    if parts.query or parts.fragment:
        return "The issuer URL must not have a ? or # part"
    return None


@dataclass(frozen=True)
class Endpoints:
    """What discovery found: the issuer exactly as the provider names it, and its endpoints."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str

    def as_dict(self) -> dict[str, str]:
        return {"authorization_endpoint": self.authorization_endpoint, "token_endpoint": self.token_endpoint,
                "jwks_uri": self.jwks_uri}


def _get_json(url: str, what: str) -> Any:
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/json"})
    except requests.RequestException:
        raise OidcError(f"We could not reach {url} to read the provider's {what}", f"{what} unreachable") from None
    if response.status_code != 200:
        raise OidcError(f"{url} answered with status {response.status_code} instead of the provider's {what}",
                        f"{what} status {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise OidcError(f"{url} did not answer with JSON: it is not the provider's {what}", f"{what} not JSON") from None


def discover(issuer: str) -> Endpoints:
    """Read and check the provider's discovery document (`<issuer>/.well-known/openid-configuration`)."""
    issuer = issuer.strip()
    problem = url_problem(issuer)
    if problem:
        raise OidcError(problem, "issuer URL")
    url = issuer.rstrip("/") + DISCOVERY_PATH
    document = _get_json(url, "discovery document")
    if not isinstance(document, dict):
        raise OidcError(f"{url} is not an OpenID Connect discovery document", "discovery document not an object")
    named = document.get("issuer")
    if not isinstance(named, str) or named.rstrip("/") != issuer.rstrip("/"):
        raise OidcError(f"The discovery document at {url} names the issuer {named!r}, not {issuer}: "
                        "enter the issuer URL exactly as the provider gives it", "issuer does not match")
    found = {}
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(key)
        if not isinstance(value, str) or url_problem(value) not in (None, "The issuer URL must not have a ? or # part"):
            raise OidcError(f"The discovery document at {url} has no usable {key}", f"no {key}")
        found[key] = value
    if "code" not in (document.get("response_types_supported") or []):
        raise OidcError(f"The provider at {issuer} does not offer the authorization code flow", "no code flow")
    methods = document.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise OidcError(f"The provider at {issuer} does not offer PKCE with S256", "no PKCE S256")
    return Endpoints(issuer=named, **found)


@dataclass(frozen=True)
class Pending:
    """What a sign-in keeps between sending the person to the provider and their return: all
    three are random and single-use."""

    state: str
    nonce: str
    code_verifier: str


def authorization_url(endpoints: dict[str, str], client_id: str, redirect_uri: str,
                      login_hint: str | None = None) -> tuple[str, Pending]:
    """Where to send the person (the authorization code flow with PKCE S256, a state and a nonce)."""
    pending = Pending(state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32),
                      code_verifier=secrets.token_urlsafe(48))
    client = OAuth2Session(client_id, scope=SCOPE, redirect_uri=redirect_uri, code_challenge_method="S256")
    extra = {"login_hint": login_hint} if login_hint else {}
    url, _state = client.create_authorization_url(endpoints["authorization_endpoint"], state=pending.state,
                                                  nonce=pending.nonce, code_verifier=pending.code_verifier, **extra)
    return url, pending


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def exchange_code(endpoints: dict[str, str], client_id: str, client_secret: str, redirect_uri: str, code: str,
                  code_verifier: str) -> str:
    """The ID token the provider gives for the code (with the PKCE verifier and our client secret)."""
    client = OAuth2Session(client_id, client_secret, token_endpoint_auth_method="client_secret_basic",
                           redirect_uri=redirect_uri)
    try:
        token = client.fetch_token(endpoints["token_endpoint"], grant_type="authorization_code", code=code,
                                   code_verifier=code_verifier, timeout=TIMEOUT_SECONDS)
    except OAuthError as error:
        raise OidcError("Your organisation's sign-in service did not accept the sign-in. Try again.",
                        f"token endpoint refused: {error.error}") from None
    except (requests.RequestException, ValueError):
        raise OidcError("We could not reach your organisation's sign-in service. Try again later.",
                        "token endpoint unreachable") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("Your organisation's sign-in service did not say who you are. Try again.", "no ID token")
    return id_token


def fetch_keys(endpoints: dict[str, str]) -> KeySet:
    document = _get_json(endpoints["jwks_uri"], "key set")
    try:
        return KeySet.import_key_set(document)
    except (JoseError, KeyError, TypeError, ValueError):
        raise OidcError("Your organisation's sign-in service published keys we cannot read.", "key set unreadable") from None


@dataclass(frozen=True)
class Person:
    """Who the provider says signed in (from a checked ID token)."""

    issuer: str
    subject: str
    email: str
    name: str


REFUSED = "Your organisation's sign-in service sent a sign-in we cannot trust, so you have not been signed in."


def verify_id_token(id_token: str, keys: KeySet, *, issuer: str, client_id: str, nonce: str, domains: set[str],
                    now: int) -> Person:
    """Check everything about the ID token; the Person it names, or an OidcError."""
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except JoseError:
        raise OidcError(REFUSED, "ID token signature not valid") from None
    except (ValueError, TypeError):
        raise OidcError(REFUSED, "ID token unreadable") from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now, leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer}, aud={"essential": True, "value": client_id},
        sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise OidcError(REFUSED, f"ID token claim not valid: {getattr(error, 'claim', '') or error.error}") from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise OidcError(REFUSED, "ID token for another client (azp)")
    if not isinstance(claims.get("nonce"), str) or not same(claims["nonce"], nonce):
        raise OidcError(REFUSED, "nonce does not match")
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise OidcError("Your organisation's sign-in service did not give us your email address, so you have not "
                        "been signed in. Ask your IT team to release the email claim.", "no email")
    if claims.get("email_verified") is not True:
        raise OidcError("Your organisation's sign-in service does not say your email address is verified, so you "
                        "have not been signed in. Ask your IT team about it.", "email not verified")
    email = email.strip().lower()
    if email.rsplit("@", 1)[1] not in domains:
        raise OidcError(f"Your organisation's account uses the address {email}, whose domain is not one this "
                        "organisation signs in with here, so you have not been signed in.", "email domain not allowed")
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    return Person(issuer=issuer, subject=str(claims["sub"]), email=email, name=name)
