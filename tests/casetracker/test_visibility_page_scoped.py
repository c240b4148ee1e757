"""The page-scoped child filter (``case_records_q``) selects exactly what ``visible()`` does.

A seeded random world of cases (every tier, consent and verdict, three owners), shares
(none/partners/internal per organisation) and child records of every tier, read by every
kind of viewer; run on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import random

import pytest

from cases.models import Case, CaseShare, Facility, Hearing, TimelineEvent
from casetracker.fields import Tier
from casetracker.visibility import (
    Viewer,
    case_people_q,
    case_record_tiers,
    case_records_q,
    visible,
    visible_records_of_case,
)
from people.models import Membership, Person
from tests.factories import (
    CaseFactory,
    HearingFactory,
    OrganisationFactory,
    TimelineEventFactory,
    UserFactory,
)

TIERS = [Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED]


def _world(seed: int, orgs) -> list[Case]:
    rnd = random.Random(seed)
    cases = []
    for _ in range(24):
        case = CaseFactory(
            owner=rnd.choice(orgs),
            tier=rnd.choice(TIERS),
            consent=rnd.choice(list(Case.Consent.values)),
            verdict_reached=rnd.random() < 0.5,
        )
        for org in orgs:
            if org != case.owner and rnd.random() < 0.5:
                CaseShare.objects.create(
                    case=case, organisation=org, tier=rnd.choice([Tier.PARTNERS, Tier.INTERNAL])
                )
        for tier in TIERS:
            TimelineEventFactory(case=case, tier=tier)
        HearingFactory(case=case, tier=rnd.choice(TIERS))
        cases.append(case)
    return cases


def _viewers(orgs, make_member) -> list[Viewer]:
    a, b, c = orgs
    users = [
        make_member(a, Membership.Role.CASEWORKER),
        make_member(a, Membership.Role.CASEWORKER, restricted=True),
        make_member(a, Membership.Role.AUDITOR),
        make_member(b, Membership.Role.PARTNER),
        make_member(b, Membership.Role.CAMPAIGNER),
        make_member(c, Membership.Role.ADMINISTRATOR, restricted=True),
        make_member(c, Membership.Role.PARTNER, is_superuser=True),
        UserFactory(is_superuser=True),
        UserFactory(),
    ]
    return [Viewer.anonymous(), *(Viewer.for_user(u) for u in users)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_page_scoped_child_filter_selects_exactly_what_visible_selects(db, make_member, seed):
    orgs = [OrganisationFactory() for _ in range(3)]
    cases = _world(seed, orgs)
    rnd = random.Random(seed)
    checked = 0
    for viewer in _viewers(orgs, make_member):
        for page in (cases, rnd.sample(cases, 7), list(visible(viewer, Case))):
            page_ids = [c.pk for c in page]
            for model in (TimelineEvent, Hearing):
                expected = set(
                    visible(viewer, model).filter(case_id__in=page_ids).values_list("pk", flat=True)
                )
                got = set(
                    model.objects.filter(case_records_q(viewer, page)).values_list("pk", flat=True)
                )
                assert got == expected, (viewer, model.__name__)
                checked += len(expected)
    assert checked > 0  # the world is not empty for everybody


def test_case_record_tiers_reads_the_viewers_shares_in_one_query(
    db, make_member, django_assert_num_queries
):
    orgs = [OrganisationFactory() for _ in range(3)]
    cases = _world(7, orgs)
    viewer = Viewer.for_user(make_member(orgs[1], Membership.Role.PARTNER))
    with django_assert_num_queries(1):
        tiers = case_record_tiers(viewer, cases)
    assert set(tiers) == {c.pk for c in cases}
    assert all(Tier.RESTRICTED not in t for t in tiers.values())


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_page_scoped_people_filter_selects_exactly_what_visible_selects(db, make_member, seed):
    """People of every tier, some in two cases (visible through the other case only)."""
    orgs = [OrganisationFactory() for _ in range(3)]
    cases = _world(seed, orgs)
    rnd = random.Random(seed)
    for case in cases:
        Person.objects.filter(pk=case.person_id).update(tier=rnd.choice(TIERS))
    for case in rnd.sample(cases, 8):  # the same person in a second case of another owner
        CaseFactory(
            person=case.person,
            owner=rnd.choice(orgs),
            tier=rnd.choice(TIERS),
            consent=rnd.choice(list(Case.Consent.values)),
        )
    checked = 0
    for viewer in _viewers(orgs, make_member):
        for page in (cases, rnd.sample(cases, 7), list(visible(viewer, Case))):
            rows = list(
                Case.objects.filter(pk__in=[c.pk for c in page]).values(
                    "pk",
                    "tier",
                    "consent",
                    "verdict_reached",
                    "owner_id",
                    "person_id",
                    "person__tier",
                )
            )
            expected = set(
                visible(viewer, Person)
                .filter(pk__in=[r["person_id"] for r in rows])
                .values_list("pk", flat=True)
            )
            tiers = case_record_tiers(viewer, rows)
            got = set(
                Person.objects.filter(case_people_q(viewer, rows, tiers)).values_list(
                    "pk", flat=True
                )
            )
            assert got == expected, viewer
            checked += len(expected)
    assert checked > 0


@pytest.mark.parametrize("seed", [4, 5])
def test_one_cases_records_page_scoped_are_exactly_the_visible_ones(db, make_member, seed):
    orgs = [OrganisationFactory() for _ in range(3)]
    cases = _world(seed, orgs)
    checked = 0
    for viewer in _viewers(orgs, make_member):
        grants = case_record_tiers(viewer, cases)
        for case in cases:
            for model in (TimelineEvent, Hearing):
                expected = set(
                    visible(viewer, model).filter(case=case).values_list("pk", flat=True)
                )
                for grant in (None, grants[case.pk]):
                    got = visible_records_of_case(viewer, model, case, grant=grant)
                    assert set(got.values_list("pk", flat=True)) == expected, (viewer, case)
                checked += len(expected)
    assert checked > 0


def test_records_of_case_falls_back_to_visible_for_other_models(db, make_member):
    from casetracker.visibility import is_case_record_model

    assert is_case_record_model(TimelineEvent) and is_case_record_model(Hearing)
    assert not is_case_record_model(CaseShare)  # has a case, but a rule of its own
    assert not is_case_record_model(Case) and not is_case_record_model(Facility)
