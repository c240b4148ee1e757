"""Roles, shares and consent: what each account may see and do."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.models import Case, CaseShare, TimelineEvent
from casetracker import permissions as perm
from casetracker.fields import Tier
from casetracker.visibility import Viewer, visible
from people.models import Membership, Person
from tests.factories import (
    CaseFactory,
    CaseShareFactory,
    FacilityFactory,
    PersonFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
R = Membership.Role


# -- consent gating -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("consent", "verdict", "exposed"),
    [
        (Case.Consent.NONE, False, False),
        (Case.Consent.PARTNERS, False, False),
        (Case.Consent.PUBLIC_AFTER_VERDICT, False, False),
        (Case.Consent.PUBLIC_AFTER_VERDICT, True, True),
        (Case.Consent.PUBLIC, False, True),
    ],
)
def test_public_exposure_waits_for_consent(org_a, consent, verdict, exposed):
    person = PersonFactory(tier=Tier.PUBLIC)
    case = CaseFactory(
        owner=org_a, person=person, tier=Tier.PUBLIC, consent=consent, verdict_reached=verdict
    )
    TimelineEventFactory(case=case, tier=Tier.PUBLIC)
    anonymous = Viewer.anonymous()
    counts = [visible(anonymous, m).count() for m in (Case, TimelineEvent, Person)]
    assert counts == ([1, 1, 1] if exposed else [0, 0, 0])
    assert case.publicly_exposable is exposed


def test_a_restricted_record_of_a_public_case_is_never_public(org_a):
    case = CaseFactory(owner=org_a, tier=Tier.PUBLIC, consent=Case.Consent.PUBLIC)
    TimelineEventFactory(case=case, tier=Tier.RESTRICTED)
    assert not visible(Viewer.anonymous(), TimelineEvent).exists()


# -- people, shares, other models ---------------------------------------------------------
def test_a_person_of_another_organisations_case_is_hidden(org_a, org_b, make_member):
    person = PersonFactory(tier=Tier.INTERNAL)
    CaseFactory(owner=org_a, person=person, tier=Tier.INTERNAL, consent=Case.Consent.NONE)
    lawyer = PersonFactory(tier=Tier.INTERNAL)  # in no case: staff-wide
    seen_by_b = set(visible(Viewer.for_user(make_member(org_b)), Person))
    seen_by_a = set(visible(Viewer.for_user(make_member(org_a)), Person))
    assert seen_by_b == {lawyer}
    assert seen_by_a == {person, lawyer}


def test_a_partner_sees_only_its_own_share_and_the_owner_sees_all(org_a, org_b, make_member):
    case = CaseFactory(owner=org_a, tier=Tier.PARTNERS)
    mine = CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS)
    CaseShareFactory(case=case, tier=Tier.PARTNERS)  # a third organisation
    partner = Viewer.for_user(make_member(org_b, R.PARTNER))
    assert list(visible(partner, CaseShare)) == [mine]
    assert visible(Viewer.for_user(make_member(org_a)), CaseShare).count() == 2
    assert not visible(Viewer.anonymous(), CaseShare).exists()


def test_partners_get_reference_data_but_no_unknown_models(org_b, make_member):
    FacilityFactory()
    UserFactory()
    partner = Viewer.for_user(make_member(org_b, R.PARTNER))
    assert visible(partner, FacilityFactory._meta.model).count() == 1
    assert not visible(partner, get_user_model()).exists()
    assert not visible(Viewer.anonymous(), FacilityFactory._meta.model).exists()


# -- capabilities -----------------------------------------------------------------------
@pytest.fixture
def shared_case(org_a, org_b):
    case = CaseFactory(owner=org_a, tier=Tier.INTERNAL, consent=Case.Consent.NONE)
    CaseShareFactory(case=case, organisation=org_b, tier=Tier.INTERNAL, can_edit=False)
    return case


@pytest.mark.parametrize(
    ("org", "role", "share_edit", "expected"),
    [
        ("a", R.ADMINISTRATOR, False, True),
        ("a", R.CASEWORKER, False, True),
        ("a", R.CAMPAIGNER, False, False),
        ("a", R.AUDITOR, False, False),
        ("b", R.CASEWORKER, False, False),
        ("b", R.CASEWORKER, True, True),
        ("b", R.PARTNER, True, False),
        ("b", R.CAMPAIGNER, True, False),
    ],
)
def test_who_may_edit_a_case(
    shared_case, org_a, org_b, make_member, org, role, share_edit, expected
):
    CaseShare.objects.filter(case=shared_case).update(can_edit=share_edit)
    user = make_member(org_a if org == "a" else org_b, role)
    assert perm.can_edit_case(Viewer.for_user(user), shared_case) is expected


def test_a_superuser_operator_and_outsiders_may_not_edit_cases(shared_case):
    assert not perm.can_edit_case(Viewer.for_user(UserFactory(is_superuser=True)), shared_case)
    assert not perm.can_edit_case(Viewer.anonymous(), shared_case)


def test_restricted_content_is_for_named_staff_of_the_owner_only(
    shared_case, org_a, org_b, make_member
):
    named_a = Viewer.for_user(make_member(org_a, restricted=True))
    plain_a = Viewer.for_user(make_member(org_a))
    named_b = Viewer.for_user(make_member(org_b, restricted=True))
    named_partner = Viewer.for_user(make_member(org_b, R.PARTNER, restricted=True))
    assert perm.can_read_restricted(named_a, shared_case)
    assert not perm.can_read_restricted(plain_a, shared_case)
    assert not perm.can_read_restricted(named_b, shared_case)
    assert not perm.can_read_restricted(named_partner, shared_case)
    assert perm.can_read_restricted_of(named_a, shared_case.person)
    assert not perm.can_read_restricted_of(named_b, shared_case.person)
    assert perm.can_set_tier(named_a, shared_case, Tier.RESTRICTED)
    assert not perm.can_set_tier(plain_a, shared_case, Tier.RESTRICTED)
    assert perm.can_set_tier(plain_a, shared_case, Tier.INTERNAL)


@pytest.mark.parametrize(
    ("role", "campaigns", "audit", "export", "api", "members"),
    [
        (R.ADMINISTRATOR, True, False, True, True, True),
        (R.CASEWORKER, False, False, True, True, False),
        (R.CAMPAIGNER, True, False, True, True, False),
        (R.AUDITOR, False, True, False, True, False),
        (R.PARTNER, False, False, True, True, False),
    ],
)
def test_role_capabilities(org_a, make_member, role, campaigns, audit, export, api, members):
    viewer = Viewer.for_user(make_member(org_a, role))
    assert perm.can_manage_campaigns(viewer) is campaigns
    assert perm.can_read_audit(viewer) is audit
    assert perm.can_export(viewer) is export
    assert perm.can_use_api(viewer) is api
    assert perm.can_manage_members(viewer) is members
    assert perm.can_use_admin(viewer) is (role != R.PARTNER)


def test_alert_recipients_must_see_the_case(shared_case, org_a, org_b, make_member):
    from tests.factories import OrganisationFactory

    stranger = make_member(OrganisationFactory(), R.CASEWORKER)
    assert perm.can_receive_case_alerts(Viewer.for_user(make_member(org_b)), shared_case)
    assert perm.can_receive_case_alerts(Viewer.for_user(make_member(org_a)), shared_case)
    assert not perm.can_receive_case_alerts(Viewer.for_user(stranger), shared_case)
    assert not perm.can_receive_case_alerts(Viewer.anonymous(), shared_case)
