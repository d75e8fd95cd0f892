"""Imported bank content: frameworks, statements, banks, scenarios, items and their versions, tests,
and the links of crosswalks between two frameworks' statements.

Items and scenarios are never deleted: an item removed from the YAML is *retired*, and an
edited item gets a new `ItemVersion` (identified by its content hash). Attempts point at the
versions they showed, so a past result never changes under a candidate.

Who owns content: frameworks, banks and tests have an `organisation_id` (None: the service's,
seen by everyone; else an organisation's, seen only by its members and trainers) and an
`origin` ("folder": imported from `question_banks/`, "web": published from a trainer's upload,
whose files are kept in `WebUpload`). A full `quizapp import` retires only folder content.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import JSONType, UTCDateTime, utcnow


class Framework(Base):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(80), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True, default=None)
    origin: Mapped[str] = mapped_column(String(10), default="folder", server_default="folder")
    source_file: Mapped[str] = mapped_column(String(500), default="")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # When it applies (banks/model.py says how "current" follows from these), what it replaces,
    # and how far its published form could be checked.
    effective_from: Mapped[date | None] = mapped_column(Date, default=None)
    superseded_on: Mapped[date | None] = mapped_column(Date, default=None)
    replaces: Mapped[str] = mapped_column(String(80), default="", server_default="")
    source_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A grouped framework's standards, in order: [{code, title, summary, unconfirmed, statements: [codes]}]
    standards: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")

    statements: Mapped[list[Statement]] = relationship(
        back_populates="framework", order_by="Statement.position", cascade="all, delete-orphan"
    )


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    standard_code: Mapped[str] = mapped_column(String(20), default="", server_default="")  # '' when flat
    unconfirmed: Mapped[str] = mapped_column(Text, default="", server_default="")

    framework: Mapped[Framework] = relationship(back_populates="statements")


class CrosswalkLink(Base):
    """One link of a crosswalk file: a statement of one framework, one of another, and why.
    Rewritten whole for a crosswalk at each import of it."""

    __tablename__ = "crosswalk_links"
    __table_args__ = (UniqueConstraint("crosswalk", "source_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crosswalk: Mapped[str] = mapped_column(String(80), index=True)  # the crosswalk file's id
    source_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")

    source: Mapped[Statement] = relationship(foreign_keys=[source_id])
    target: Mapped[Statement] = relationship(foreign_keys=[target_id])


class Bank(Base):
    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True, default=None)
    origin: Mapped[str] = mapped_column(String(10), default="folder", server_default="folder")
    source_file: Mapped[str] = mapped_column(String(500), default="")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    framework: Mapped[Framework] = relationship()


class Scenario(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    bank: Mapped[Bank] = relationship()


item_version_statements = Table(
    "item_version_statements",
    Base.metadata,
    Column("item_version_id", ForeignKey("item_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("statement_id", ForeignKey("statements.id"), primary_key=True, index=True),
)


class Item(Base):
    """An item's stable identity (its YAML id); its content lives in versions."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), index=True, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_versions.id", use_alter=True, name="fk_items_current_version_id_item_versions"),
        default=None,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    bank: Mapped[Bank] = relationship()
    scenario: Mapped[Scenario | None] = relationship()
    current_version: Mapped[ItemVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", foreign_keys="ItemVersion.item_id", order_by="ItemVersion.number"
    )


class ItemVersion(Base):
    """One immutable version of an item's content, as a candidate saw it."""

    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"), UniqueConstraint("item_id", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... per item
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    section: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[int | None] = mapped_column(Integer, default=None)
    scoring: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    # [{"text", "correct", "feedback"}] in authored order (for ordering items: the correct order)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    rationale: Mapped[str] = mapped_column(Text)
    references: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Frozen copy of the scenario the item was shown under (None for standalone items).
    scenario_title: Mapped[str | None] = mapped_column(String(300), default=None)
    scenario_text: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="versions", foreign_keys=[item_id])
    statements: Mapped[list[Statement]] = relationship(secondary=item_version_statements, order_by="Statement.position")


class TestForm(Base):
    """A test blueprint (a mock test form). The blueprint's sections and bands are kept as JSON."""

    __test__ = False  # not a pytest test class
    __tablename__ = "tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    time_limit_minutes: Mapped[float] = mapped_column(Float)
    pass_mark_percent: Mapped[float] = mapped_column(Float)
    blueprint: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(500), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True, default=None)
    origin: Mapped[str] = mapped_column(String(10), default="folder", server_default="folder")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    framework: Mapped[Framework] = relationship()

    @property
    def item_count(self) -> int:
        """Number of questions a form of this test has (scenario draws count their items at assembly)."""
        return int(self.blueprint.get("item_count", 0))


class ContentVersion(Base):
    """One row whose number every import of question banks raises, in the import's own
    transaction (the `quizapp import` command and the trainer's upload both import through
    quizapp.services.importer). A process that keeps content in memory between requests (the pool of
    drawable items: quizapp.services.pools) reads it in one statement to know whether what it keeps is
    still current, so every app server sees an import made through any of them."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class WebUpload(Base):
    """Bank files a trainer uploaded in the browser, kept as they were sent, with their history.

    An upload is a draft until a trainer publishes it (its content is imported then, never
    before, so a draft is never drawn for a candidate); `status` is draft, published or
    discarded. `files` is [{"name", "text"}] as the trainer named them. `origin` is "web" for
    a trainer's upload and "folder" for a draft of the banks folder's files made by
    `quizapp import --draft` (published as folder content; `full_sync`: it was the whole
    folder, so publishing it retires the folder's content it no longer has)."""

    __tablename__ = "web_uploads"
    __table_args__ = (CheckConstraint("status IN ('draft', 'published', 'discarded')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True, default=None)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    files: Mapped[list[dict[str, str]]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    origin: Mapped[str] = mapped_column(String(10), default="web", server_default="web")
    full_sync: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What publishing changed: ["added item x", "changed item y (version 2)", ...]
    changes: Mapped[list[str]] = mapped_column(JSONType, default=list)
