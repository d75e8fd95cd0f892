"""Who owns content and who may see it. No Flask here.

Frameworks, banks and tests belong to the service (`organisation_id` None: the shipped banks
from `question_banks/`, managed by admins and the service's trainers) or to one organisation
(published from the browser by that organisation's trainers).

A trainer belongs to an organisation the same way an employer or a candidate does: by a current
`Membership` (`quizapp create-user EMAIL --role trainer --org NAME`, or an admin's doing). A
trainer with no current membership is one of the service's trainers.

- Candidates see the service's tests and their own organisation's (none of another's).
- Trainers see the service's content and their own organisation's; another organisation's is
  404 to them. What they publish belongs to their organisation (the service's trainers' to the
  service).
- Admins see everything.
- A test draws on its owner's banks and the service's: an organisation's test may use the
  service's banks, a service test never an organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, true

from quizapp.data.models import User


@dataclass(frozen=True)
class Scope:
    """What a person may see: everything (admins), or the service's content plus, when
    `organisation_id` is set, that organisation's."""

    everything: bool
    organisation_id: int | None

    def sees(self, owner_id: int | None) -> bool:
        return self.everything or owner_id is None or owner_id == self.organisation_id

    def where(self, column: Any) -> Any:
        """A SQL condition on an `organisation_id` column: the rows this scope sees."""
        if self.everything:
            return true()
        if self.organisation_id is None:
            return column.is_(None)
        return or_(column.is_(None), column == self.organisation_id)


SERVICE = Scope(everything=False, organisation_id=None)


def organisation_of(user: User) -> int | None:
    """The organisation a person belongs to now (None: none; for a trainer, the service). From the
    membership's column: loading the organisation itself was a query of its own on every page
    that asks whose content a person sees."""
    membership = user.current_membership
    return membership.organisation_id if membership is not None else None


def scope_of(user: User) -> Scope:
    if user.has_role("admin"):
        return Scope(everything=True, organisation_id=None)
    return Scope(everything=False, organisation_id=organisation_of(user))


def manages(scope: Scope, owner_id: int | None) -> bool:
    """Whether a person works on the owner's own records (such as a test's standard setting):
    admins for every owner, a trainer for their organisation's, or the service's when they are in
    none. Seeing the service's content (`Scope.sees`) is not enough."""
    return scope.everything or owner_id == scope.organisation_id


def owner_for(user: User) -> int | None:
    """Who owns what this person publishes: their organisation, or the service (admins, and
    trainers in no organisation)."""
    return None if user.has_role("admin") else organisation_of(user)


def owner_name(owner_id: int | None, names: dict[int, str]) -> str:
    return "The service" if owner_id is None else names.get(owner_id, "An organisation")
