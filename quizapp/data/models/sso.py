"""Single sign-on: an organisation's OpenID provider (with the email domains its people sign in
from), and the provider identities (issuer, subject) linked to accounts.

An account signed in by single sign-on is found by its identity, never by its email address
alone (the rules are in quizapp/services/sso.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import UTCDateTime, utcnow
from .accounts import Organisation, User


class SsoProvider(Base):
    """One organisation's OpenID provider, as an administrator registered it. `endpoints` are the
    discovery document's authorization, token and key-set addresses, read when it was saved. The
    client secret is kept to talk to the provider and is never shown again."""

    __tablename__ = "sso_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str] = mapped_column(String(500))
    endpoints: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    organisation: Mapped[Organisation] = relationship()
    domains: Mapped[list[SsoDomain]] = relationship(back_populates="provider", cascade="all, delete-orphan",
                                                    order_by="SsoDomain.domain")


class SsoDomain(Base):
    """An email domain whose people sign in with this provider: one provider per domain."""

    __tablename__ = "sso_domains"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)  # lower-cased, like council.example.gov.uk
    provider_id: Mapped[int] = mapped_column(ForeignKey("sso_providers.id", ondelete="CASCADE"), index=True)

    provider: Mapped[SsoProvider] = relationship(back_populates="domains")


class SsoIdentity(Base):
    """A person at an OpenID provider (its issuer and their subject, which the provider never
    reuses) linked to one account here."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signin_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship()
