"""The database models (SQLAlchemy 2.0, typed). Import them from here."""

from ..db import Base
from .accounts import ROLES, Membership, Organisation, Role, SigninFailures, Team, User, UserSession
from .attempts import Attempt, AttemptQuestion, Ending, Mode, Response, StatementResult
from .audit import AuditEvent
from .calibration import CalibratedItem, Calibration
from .content import (
    Bank,
    ContentVersion,
    CrosswalkLink,
    Framework,
    Item,
    ItemVersion,
    Scenario,
    Statement,
    TestForm,
    WebUpload,
    item_version_statements,
)
from .employer import ExtraTimeChange, Invitation
from .spacing import ReviewCard, ReviewLog
from .sso import SsoDomain, SsoIdentity, SsoProvider
from .standard_setting import AngoffJudge, AngoffPanel, AngoffPanelItem, AngoffRating, PassMarkChange

__all__ = [
    "ROLES",
    "AngoffJudge",
    "AngoffPanel",
    "AngoffPanelItem",
    "AngoffRating",
    "Attempt",
    "AuditEvent",
    "AttemptQuestion",
    "Bank",
    "CalibratedItem",
    "Calibration",
    "ContentVersion",
    "CrosswalkLink",
    "Base",
    "Ending",
    "ExtraTimeChange",
    "Framework",
    "Invitation",
    "Item",
    "ItemVersion",
    "Membership",
    "Mode",
    "Organisation",
    "PassMarkChange",
    "Response",
    "ReviewCard",
    "ReviewLog",
    "Role",
    "Scenario",
    "SigninFailures",
    "SsoDomain",
    "SsoIdentity",
    "SsoProvider",
    "Statement",
    "StatementResult",
    "Team",
    "TestForm",
    "User",
    "UserSession",
    "WebUpload",
    "item_version_statements",
]
