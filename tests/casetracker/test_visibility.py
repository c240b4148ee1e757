"""The visibility layer, table-driven: viewer × tier × share → sees it or not."""

from __future__ import annotations

import pytest

from cases.models import Case, TimelineEvent
from casetracker.fields import Tier
from casetracker.visibility import Viewer, visible
from people.models import Membership
from tests.factories import (
    CaseFactory,
    CaseShareFactory,
    OrganisationFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, org_b, make_member):
    """A case owned by A with one event per tier; B is a partner organisation."""
    case = CaseFactory(owner=org_a, tier=Tier.PUBLIC, consent=Case.Consent.PUBLIC)
    events = {t: TimelineEventFactory(case=case, tier=t, summary=f"{t} event") for t in Tier}
    return {
        "case": case,
        "events": events,
        "owner_caseworker": make_member(org_a),
        "owner_named_staff": make_member(org_a, restricted=True),
        "other_caseworker": make_member(org_b),
        "partner_b": make_member(org_b, Membership.Role.PARTNER),
    }


def seen_tiers(viewer: Viewer) -> set[str]:
    return set(visible(viewer, TimelineEvent).values_list("tier", flat=True))


@pytest.mark.parametrize(
    ("who", "share", "expected"),
    [
        ("anonymous", None, {"public"}),
        ("partner_b", None, {"public"}),
        ("partner_b", Tier.PARTNERS, {"public", "partners"}),
        ("partner_b", Tier.INTERNAL, {"public", "partners", "internal"}),
        ("other_caseworker", None, {"public"}),
        ("other_caseworker", Tier.PARTNERS, {"public", "partners"}),
        ("owner_caseworker", None, {"public", "partners", "internal"}),
        ("owner_named_staff", None, {"public", "partners", "internal", "restricted"}),
    ],
)
def test_each_viewer_sees_exactly_the_tiers_their_grants_allow(world, org_b, who, share, expected):
    if share:
        CaseShareFactory(case=world["case"], organisation=org_b, tier=share)
    viewer = Viewer.anonymous() if who == "anonymous" else Viewer.for_user(world[who])
    assert seen_tiers(viewer) == expected


def test_restricted_records_are_never_visible_through_a_share(world, org_b, make_member):
    CaseShareFactory(case=world["case"], organisation=org_b, tier=Tier.INTERNAL)
    named_staff_of_b = make_member(org_b, restricted=True)
    assert Tier.RESTRICTED not in seen_tiers(Viewer.for_user(named_staff_of_b))


def test_public_records_stay_hidden_until_publicity_consent_allows_them(world):
    world["case"].consent = Case.Consent.NONE
    world["case"].save()
    assert seen_tiers(Viewer.anonymous()) == set()
    assert not visible(Viewer.anonymous(), Case).exists()


def test_public_after_verdict_consent_opens_only_once_the_verdict_is_reached(world):
    case = world["case"]
    case.consent = Case.Consent.PUBLIC_AFTER_VERDICT
    case.save()
    assert seen_tiers(Viewer.anonymous()) == set()
    case.verdict_reached = True
    case.save()
    assert seen_tiers(Viewer.anonymous()) == {"public"}


def test_a_child_record_is_hidden_when_its_case_is_more_sensitive_than_the_grant(world, org_b):
    world["case"].tier = Tier.INTERNAL
    world["case"].save()
    CaseShareFactory(case=world["case"], organisation=org_b, tier=Tier.PARTNERS)
    assert seen_tiers(Viewer.for_user(world["partner_b"])) == set()
    assert seen_tiers(Viewer.for_user(world["owner_caseworker"])) == {
        "public",
        "partners",
        "internal",
    }


def test_a_case_shared_with_several_organisations_is_listed_once(world, org_b):
    CaseShareFactory(case=world["case"], organisation=org_b, tier=Tier.PARTNERS)
    CaseShareFactory(case=world["case"], organisation=OrganisationFactory(), tier=Tier.INTERNAL)
    viewer = Viewer.for_user(world["owner_caseworker"])
    assert visible(viewer, Case).count() == 1


def test_a_superuser_without_membership_never_sees_restricted_records(world):
    admin = UserFactory(is_superuser=True)
    assert seen_tiers(Viewer.for_user(admin)) == {"public", "partners", "internal"}


def test_an_inactive_user_is_treated_as_anonymous(world):
    user = world["owner_caseworker"]
    user.is_active = False
    user.save()
    assert seen_tiers(Viewer.for_user(user)) == {"public"}
