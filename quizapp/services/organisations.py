"""Organisations and the people in them, free of Flask: teams, invitations, joining and leaving.

An employer sees a candidate's timed results only while two things hold: the attempt was
started while the candidate belonged to the employer's organisation (`Attempt.organisation_id`),
and the candidate belongs to it now (a current `Membership`). Leaving ends the second, so the
results stay the candidate's own and stop being visible to that employer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, object_session

from quizapp.services import audit
from quizapp.data.models import (
    Attempt,
    ExtraTimeChange,
    Invitation,
    Membership,
    Mode,
    Organisation,
    Team,
    User,
)

# No 0/O or 1/I: a code read out or copied by hand cannot be mistyped into another one.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 32**12 = 2**60 codes
EXPIRY_DAYS = (7, 14, 30)
TEAM_NAME_MAX = 100


class MembershipError(ValueError):
    """A rule about organisations was broken; the message is fit to show to the person."""


def normalise_code(text: str) -> str:
    """What the candidate typed, as stored: upper case, without spaces or hyphens."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """A code in groups of four, easier to read out: ABCD-EFGH-JKLM."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# -- teams ------------------------------------------------------------------------------------------


def teams_of(session: Session, organisation_id: int) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.organisation_id == organisation_id).order_by(Team.name)))


def team_in(session: Session, organisation_id: int, team_id: int) -> Team | None:
    """The team, if it belongs to this organisation (else None: never another organisation's)."""
    team = session.get(Team, team_id)
    return team if team is not None and team.organisation_id == organisation_id else None


def _team_name(session: Session, organisation: Organisation, name: str, team_id: int | None = None) -> str:
    """The name, tidied, if it can be a team's name in this organisation (the team `team_id`
    may keep its own name, in another case); else a MembershipError that says why."""
    name = " ".join(name.split())
    if not name:
        raise MembershipError("Enter a name for the team")
    if len(name) > TEAM_NAME_MAX:
        raise MembershipError(f"Team name must be {TEAM_NAME_MAX} characters or fewer")
    query = select(Team.id).where(Team.organisation_id == organisation.id, func.lower(Team.name) == name.lower())
    if team_id is not None:
        query = query.where(Team.id != team_id)
    if session.scalar(query) is not None:
        raise MembershipError(f"{organisation.name} already has a team called {name}")
    return name


def create_team(session: Session, organisation: Organisation, name: str) -> Team:
    team = Team(organisation_id=organisation.id, name=_team_name(session, organisation, name))
    session.add(team)
    session.flush()
    return team


def rename_team(session: Session, team: Team, name: str) -> Team:
    """A new name for the team: the same rules as a new team's, unique within the organisation.
    Everything else (its candidates, invitations and results) stays as it is."""
    team.name = _team_name(session, team.organisation, name, team_id=team.id)
    session.flush()
    return team


@dataclass(frozen=True)
class TeamInUse:
    """What deleting a team changes (the confirmation page says all of it)."""

    members: int  # candidates in the team now: they will be in no team
    invitations: int  # invitations for the team that can still be used: they will add people to no team


def _current_candidates() -> Any:
    """The count of memberships of candidates who have not left (filter it further)."""
    return (select(func.count(Membership.id)).join(User, User.id == Membership.user_id)
            .where(Membership.left_at.is_(None), User.role == "candidate"))


def member_counts(session: Session, organisation_id: int) -> dict[int | None, int]:
    """Candidates in the organisation now, per team id (None: in no team)."""
    query = (_current_candidates().add_columns(Membership.team_id)
             .where(Membership.organisation_id == organisation_id).group_by(Membership.team_id))
    return {team_id: count for count, team_id in session.execute(query)}


def team_in_use(session: Session, team: Team, now: datetime) -> TeamInUse:
    members = session.scalar(_current_candidates().where(Membership.team_id == team.id)) or 0
    invitations = session.scalar(
        select(func.count(Invitation.id)).where(Invitation.team_id == team.id, Invitation.revoked_at.is_(None),
                                                Invitation.expires_at > now)
    ) or 0
    return TeamInUse(members=members, invitations=invitations)


def delete_team(session: Session, team: Team) -> None:
    """Delete the team. Its candidates are moved to no team and its invitations become invitations
    to no team; nobody leaves the organisation and no result is deleted (results are kept per
    attempt, not per team: a candidate's results follow the team they are in now)."""
    session.execute(update(Membership).where(Membership.team_id == team.id).values(team_id=None)
                    .execution_options(synchronize_session="fetch"))
    session.execute(update(Invitation).where(Invitation.team_id == team.id).values(team_id=None)
                    .execution_options(synchronize_session="fetch"))
    session.delete(team)
    session.flush()


def set_team(session: Session, membership: Membership, team: Team | None) -> None:
    if team is not None and team.organisation_id != membership.organisation_id:
        raise MembershipError("Choose one of your organisation's teams")
    membership.team_id = team.id if team is not None else None
    session.flush()


# -- invitations ------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_invitation(session: Session, organisation: Organisation, created_by: User | None, now: datetime,
                      days: int, team: Team | None = None) -> Invitation:
    if days not in EXPIRY_DAYS:
        raise MembershipError("Choose when the invitation expires")
    if team is not None and team.organisation_id != organisation.id:
        raise MembershipError("Choose one of your organisation's teams")
    invitation = Invitation(
        organisation_id=organisation.id,
        team_id=team.id if team is not None else None,
        code=new_code(),
        created_by_id=created_by.id if created_by is not None else None,
        created_at=now,
        expires_at=now + timedelta(days=days),
        uses=0,
    )
    session.add(invitation)
    session.flush()
    audit.record(session, "invitation.created", actor=created_by, organisation=organisation, now=now,
                 invitation=invitation.id, team=team.id if team is not None else None, days=days)
    return invitation


def invitation_status(invitation: Invitation, now: datetime) -> str:
    """active, expired or revoked; or joined, for an invitation sent by email that has been used
    (it was for one person)."""
    if invitation.email is not None and (invitation.uses or 0) >= 1:
        return "joined"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "active"


def invitations_of(session: Session, organisation_id: int) -> list[Invitation]:
    return list(session.scalars(
        select(Invitation).where(Invitation.organisation_id == organisation_id).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ))


def invitation_in(session: Session, organisation_id: int, invitation_id: int) -> Invitation | None:
    invitation = session.get(Invitation, invitation_id)
    return invitation if invitation is not None and invitation.organisation_id == organisation_id else None


def revoke(invitation: Invitation, now: datetime, by: User | None = None) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        session = object_session(invitation)
        assert session is not None, "revoke a stored invitation"
        audit.record(session, "invitation.withdrawn", actor=by, organisation=invitation.organisation_id, now=now,
                     invitation=invitation.id)


def usable_invitation(session: Session, code: str, now: datetime) -> Invitation:
    """The invitation with this code, if it can still be used; otherwise a MembershipError that
    says why (an unknown code and a malformed one read the same)."""
    code = normalise_code(code)
    if not code:
        raise MembershipError("Enter the invitation code")
    invitation = session.scalar(select(Invitation).where(Invitation.code == code)) if len(code) == CODE_LENGTH else None
    if invitation is None:
        raise MembershipError("There is no invitation with that code: check it and try again")
    status = invitation_status(invitation, now)
    if status == "revoked":
        raise MembershipError(f"This invitation to {invitation.organisation.name} has been withdrawn: ask them for a new one")
    if status == "expired":
        raise MembershipError(f"This invitation to {invitation.organisation.name} has expired: ask them for a new one")
    if status == "joined":
        raise MembershipError(f"This invitation to {invitation.organisation.name} has already been used: "
                              "ask them for a new one")
    return invitation


def ended_invitation(session: Session, code: str, now: datetime) -> str | None:
    """Why the invitation with this code can no longer be used, if it was withdrawn or has
    expired (None for a usable or unknown code): said before anyone is asked to sign in."""
    try:
        usable_invitation(session, code, now)
    except MembershipError as error:
        found = session.scalar(select(Invitation).where(Invitation.code == normalise_code(code)))
        return str(error) if found is not None else None
    return None


# -- invitations by email ---------------------------------------------------------------------------

MAX_EMAILED = 200  # addresses in one go
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """The addresses in pasted text or a CSV file: commas, semicolons, quotes, angle brackets and
    white space separate them, and words without an @ (names, a header such as "email") are
    passed over. Returns (addresses, what looked like an address but is not one), each lower-cased,
    in order, without repeats."""
    good: list[str] = []
    bad: list[str] = []
    for token in re.split(r"[,;\s\"'<>()\[\]]+", text):
        if "@" not in token:
            continue
        address = token.strip().lower()
        target = good if _ADDRESS.match(address) and len(address) <= 254 else bad
        if address not in target:
            target.append(address)
    return good, bad


def invite_by_email(session: Session, organisation: Organisation, created_by: User | None, now: datetime, days: int,
                    team: Team | None, addresses: list[str]) -> list[Invitation]:
    """One invitation per address (each for one person: it can be used once), not yet sent."""
    if not addresses:
        raise MembershipError("Enter at least one email address")
    if len(addresses) > MAX_EMAILED:
        raise MembershipError(f"You can invite up to {MAX_EMAILED} addresses at a time")
    made = []
    for address in addresses:
        invitation = create_invitation(session, organisation, created_by, now, days, team)
        invitation.email = address
        made.append(invitation)
    session.flush()
    return made


def record_sent(session: Session, invitation: Invitation, now: datetime, by: User | None = None) -> None:
    """The invitation's email went out (again, if sent before): when, how often, and in the audit
    trail (its id and the count; the address is on the invitation, not in the trail)."""
    invitation.sent_at = now
    invitation.send_count = (invitation.send_count or 0) + 1
    audit.record(session, "invitation.sent", actor=by, organisation=invitation.organisation_id, now=now,
                 invitation=invitation.id, times=invitation.send_count)


# -- joining and leaving ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinPreview:
    """What a candidate is told before joining (the join page shows all of it)."""

    organisation: Organisation
    team: Team | None
    current: Organisation | None  # the organisation the candidate would leave, if another
    already_member: bool
    earlier_results: int  # timed results from an earlier membership that would be visible again


def earlier_results(session: Session, user: User, organisation_id: int) -> int:
    """Ended timed attempts the candidate started while belonging to this organisation before:
    an employer sees them again if the candidate rejoins."""
    return session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.user_id == user.id, Attempt.organisation_id == organisation_id,
            Attempt.mode == Mode.TIMED, Attempt.ended_at.is_not(None),
        )
    ) or 0


def preview(session: Session, user: User, invitation: Invitation) -> JoinPreview:
    return preview_organisation(session, user, invitation.organisation, invitation.team)


def preview_organisation(session: Session, user: User, organisation: Organisation, team: Team | None = None) -> JoinPreview:
    """What joining `organisation` would mean for the candidate (by invitation, or by signing in
    with the organisation's single sign-on)."""
    current = user.current_membership
    same = current is not None and current.organisation_id == organisation.id
    return JoinPreview(
        organisation=organisation,
        team=team,
        current=current.organisation if current is not None and not same else None,
        already_member=same,
        earlier_results=0 if same else earlier_results(session, user, organisation.id),
    )


def join(session: Session, user: User, invitation: Invitation, now: datetime) -> Membership:
    """Join the invitation's organisation (and team), leaving any other organisation first.
    Joining one's own organisation again only moves the candidate into the invitation's team."""
    if user.role != "candidate":
        raise MembershipError("Only candidates can join an organisation with an invitation")
    if user.email_verified_at is None:
        raise MembershipError("Confirm your email address before you join an organisation: "
                              "open the link we emailed you when you created your account")
    if invitation_status(invitation, now) != "active":
        raise MembershipError("This invitation can no longer be used")
    current = user.current_membership
    if current is not None and current.organisation_id == invitation.organisation_id:
        if invitation.team_id is not None:
            current.team_id = invitation.team_id
        session.flush()
        return current
    invitation.uses = (invitation.uses or 0) + 1
    return _join(session, user, invitation.organisation_id, invitation.team_id, now, invitation=invitation.id)


def join_by_sso(session: Session, user: User, organisation: Organisation, now: datetime) -> Membership:
    """Join the organisation whose single sign-on the candidate signed in with (after its consent
    page), in no team. Already a member: nothing changes."""
    if user.role != "candidate":
        raise MembershipError("Only candidates can join an organisation")
    current = user.current_membership
    if current is not None and current.organisation_id == organisation.id:
        return current
    return _join(session, user, organisation.id, None, now, method="sso")


def _join(session: Session, user: User, organisation_id: int, team_id: int | None, now: datetime,
          **details: Any) -> Membership:
    """Leave any current organisation, then join this one (recorded in the audit trail)."""
    current = user.current_membership
    if current is not None:
        current.left_at = now
        session.flush()  # one current membership per user: end this one before adding the next
        audit.record(session, "organisation.left", actor=user, user=user, organisation=current.organisation_id, now=now,
                     reason="joined another organisation")
    membership = Membership(user_id=user.id, organisation_id=organisation_id, team_id=team_id, joined_at=now)
    session.add(membership)
    session.flush()
    audit.record(session, "organisation.joined", actor=user, user=user, organisation=organisation_id, now=now,
                 **details)
    session.expire(user, ["memberships"])
    return membership


def leave(session: Session, user: User, now: datetime, by: User | None = None) -> Membership | None:
    """End the candidate's current membership, if any. Their results stay theirs. `by`: the
    employer who removed them (for the audit trail), when it was not the candidate."""
    current = user.current_membership
    if current is None:
        return None
    current.left_at = now
    session.flush()
    reason = {"reason": "removed by the organisation"} if by is not None else {}
    audit.record(session, "organisation.left", actor=by if by is not None else user, user=user,
                 organisation=current.organisation_id, now=now, **reason)
    session.expire(user, ["memberships"])
    return current


def member_in(session: Session, organisation_id: int, user_id: int) -> tuple[User, Membership] | None:
    """A candidate who belongs to this organisation now, with their membership (else None)."""
    row = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, User.role == "candidate", Membership.organisation_id == organisation_id,
               Membership.left_at.is_(None))
    ).first()
    return (row[0], row[1]) if row is not None else None


def members_of(session: Session, organisation_id: int) -> list[tuple[User, Membership]]:
    rows = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.left_at.is_(None), User.role == "candidate")
        .order_by(User.name, User.id)
    ).all()
    return [(user, membership) for user, membership in rows]


def extra_time_history(session: Session, candidate_id: int, since: datetime | None = None) -> list[ExtraTimeChange]:
    """Changes of a candidate's extra time, newest first (from `since`, when given)."""
    query = select(ExtraTimeChange).where(ExtraTimeChange.candidate_id == candidate_id)
    if since is not None:
        query = query.where(ExtraTimeChange.set_at >= since)
    return list(session.scalars(query.order_by(ExtraTimeChange.set_at.desc(), ExtraTimeChange.id.desc())))
