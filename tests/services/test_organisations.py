"""quizapp.services.organisations: teams, invitation codes, joining and leaving, extra-time history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.services import accounts, organisations
from quizapp.web.extensions import db
from quizapp.data.models import User

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def s(session, users):
    return session


def org(s, name: str):
    return accounts.get_or_create_organisation(s, name)


def user(s, users, who: str) -> User:
    return s.get(User, users[who]["id"])


def test_codes_are_long_random_and_unambiguous():
    codes = {organisations.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and set(c) <= set(organisations.CODE_ALPHABET) for c in codes)
    assert not set("01IO") & set(organisations.CODE_ALPHABET)


@pytest.mark.parametrize(("typed", "stored"), [("abcd-efgh-jkmn", "ABCDEFGHJKMN"), (" AB CD\tEF ", "ABCDEF"), ("", "")])
def test_codes_are_read_however_they_are_typed(typed, stored):
    assert organisations.normalise_code(typed) == stored


def test_format_code():
    assert organisations.format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_invitation_status_over_time(s, users):
    invitation = organisations.create_invitation(s, org(s, "Org A"), None, NOW, 14)
    assert organisations.invitation_status(invitation, NOW + timedelta(days=14, seconds=-1)) == "active"
    assert organisations.invitation_status(invitation, NOW + timedelta(days=14)) == "expired"
    organisations.revoke(invitation, NOW)
    assert organisations.invitation_status(invitation, NOW) == "revoked"
    organisations.revoke(invitation, NOW + timedelta(days=1))
    assert invitation.revoked_at == NOW  # withdrawing twice keeps the first time


@pytest.mark.parametrize("days", [0, 1, 365])
def test_invitations_expire_after_one_of_the_offered_periods(s, users, days):
    with pytest.raises(organisations.MembershipError):
        organisations.create_invitation(s, org(s, "Org A"), None, NOW, days)


def test_an_invitation_cannot_name_another_organisations_team(s, users):
    theirs = organisations.create_team(s, org(s, "Org B"), "Theirs")
    with pytest.raises(organisations.MembershipError):
        organisations.create_invitation(s, org(s, "Org A"), None, NOW, 7, theirs)
    with pytest.raises(organisations.MembershipError):
        organisations.set_team(s, user(s, users, "candidate").current_membership, theirs)


def test_team_names_are_unique_in_an_organisation_ignoring_case(s, users):
    organisations.create_team(s, org(s, "Org A"), "Blue")
    organisations.create_team(s, org(s, "Org B"), "Blue")  # another organisation may use it
    with pytest.raises(organisations.MembershipError, match="already has a team called BLUE"):
        organisations.create_team(s, org(s, "Org A"), " BLUE ")


def test_renaming_a_team_keeps_names_unique_in_the_organisation(s, users):
    blue = organisations.create_team(s, org(s, "Org A"), "Blue")
    organisations.create_team(s, org(s, "Org A"), "Red")
    organisations.create_team(s, org(s, "Org B"), "Green")
    assert organisations.rename_team(s, blue, "  BLUE  ").name == "BLUE"  # its own name, in another case
    assert organisations.rename_team(s, blue, "Green").name == "Green"  # another organisation's name is free
    for name, message in (("red", "already has a team called red"), ("  ", "Enter a name"), ("x" * 101, "100 characters")):
        with pytest.raises(organisations.MembershipError, match=message):
            organisations.rename_team(s, blue, name)
    assert blue.name == "Green"


def test_deleting_a_team_moves_its_people_and_invitations_to_no_team(s, users):
    a = org(s, "Org A")
    blue, red = organisations.create_team(s, a, "Blue"), organisations.create_team(s, a, "Red")
    membership = user(s, users, "candidate").current_membership
    organisations.set_team(s, membership, blue)
    invitation = organisations.create_invitation(s, a, None, NOW, 7, blue)
    organisations.create_invitation(s, a, None, NOW - timedelta(days=30), 7, blue)  # expired: not counted
    kept = organisations.create_invitation(s, a, None, NOW, 7, red)
    assert organisations.team_in_use(s, blue, NOW) == organisations.TeamInUse(members=1, invitations=1)
    assert organisations.team_in_use(s, red, NOW) == organisations.TeamInUse(members=0, invitations=1)
    blue_id = blue.id
    organisations.delete_team(s, blue)
    s.expire_all()
    assert organisations.team_in(s, a.id, blue_id) is None
    assert [t.name for t in organisations.teams_of(s, a.id)] == ["Red"]
    assert membership.team_id is None and membership.left_at is None  # still in the organisation
    assert invitation.team_id is None and organisations.invitation_status(invitation, NOW) == "active"
    assert kept.team_id == red.id


def test_joining_leaves_the_other_organisation(s, users):
    candidate = user(s, users, "other_candidate")
    invitation = organisations.create_invitation(s, org(s, "Org A"), None, NOW, 7)
    preview = organisations.preview(s, candidate, invitation)
    assert preview.current.name == "Org B" and not preview.already_member and preview.earlier_results == 0
    membership = organisations.join(s, candidate, invitation, NOW)
    assert membership.organisation.name == "Org A" and invitation.uses == 1
    assert {(m.organisation.name, m.left_at) for m in candidate.memberships} == {("Org B", NOW), ("Org A", None)}


@pytest.mark.parametrize("who", ["employer", "trainer", "admin"])
def test_only_candidates_join_with_invitations(s, users, who):
    invitation = organisations.create_invitation(s, org(s, "Org B"), None, NOW, 7)
    with pytest.raises(organisations.MembershipError):
        organisations.join(s, user(s, users, who), invitation, NOW)


def test_an_expired_invitation_cannot_be_used(s, users):
    invitation = organisations.create_invitation(s, org(s, "Org A"), None, NOW, 7)
    with pytest.raises(organisations.MembershipError):
        organisations.join(s, user(s, users, "other_candidate"), invitation, NOW + timedelta(days=8))
    with pytest.raises(organisations.MembershipError, match="expired"):
        organisations.usable_invitation(s, invitation.code, NOW + timedelta(days=8))


def test_leaving(s, users):
    candidate = user(s, users, "candidate")
    left = organisations.leave(s, candidate, NOW)
    assert left is not None and left.left_at == NOW and candidate.current_membership is None
    assert organisations.leave(s, candidate, NOW) is None
    assert organisations.member_in(s, left.organisation_id, candidate.id) is None


def test_extra_time_changes_are_kept(s, users):
    candidate, employer = user(s, users, "candidate"), user(s, users, "employer")
    for n, percent in enumerate((25, 50, 0)):
        accounts.set_extra_time(candidate, percent, employer, NOW + timedelta(days=n))
    s.flush()
    history = organisations.extra_time_history(s, candidate.id)
    assert [(h.percent, h.set_by_id, h.set_at) for h in history] == [
        (0, employer.id, NOW + timedelta(days=2)), (50, employer.id, NOW + timedelta(days=1)), (25, employer.id, NOW)]
    assert [h.percent for h in organisations.extra_time_history(s, candidate.id, since=NOW + timedelta(days=1))] == [0, 50]
    db.session.rollback()
