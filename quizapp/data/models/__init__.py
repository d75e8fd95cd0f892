"""The database models (SQLAlchemy 2.0, typed). Import them from here."""

from ..db import Base
from .accounts import ROLES, Membership, Organisation, Role, SigninFailures, Team, User
from .attempts import Attempt, AttemptQuestion, Ending, Mode, Response, StatementResult
from .content import Bank, Framework, Item, ItemVersion, Scenario, Statement, TestForm, WebUpload, item_version_statements
from .employer import ExtraTimeChange, Invitation

__all__ = [
    "ROLES",
    "Attempt",
    "AttemptQuestion",
    "Bank",
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
    "Response",
    "Role",
    "Scenario",
    "SigninFailures",
    "Statement",
    "StatementResult",
    "Team",
    "TestForm",
    "User",
    "WebUpload",
    "item_version_statements",
]
