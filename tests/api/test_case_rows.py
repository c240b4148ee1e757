"""The row-built case representation (cases/api_rows.py) is exactly CaseSerializer's.

CaseSerializer declares the partner API's case (the OpenAPI schema comes from it); the list,
detail and write responses are built from column tuples for speed (issue 7). A seeded random
world — every tier, consent, verdict and status, vague and exact dates, groups and people of
every tier with aliases, shares, current and superseded charge documents, ended charges,
open and closed detentions with and without a facility, past, future and cancelled hearings,
campaigns of every tier with organisers — is read by every kind of API reader both ways.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.db.models import Prefetch
from rest_framework.renderers import JSONRenderer

from campaigns.models import Campaign
from cases.api_rows import case_representations, case_rows
from cases.api_selectors import ENDED_CHARGE_STATUSES
from cases.models import Case, CaseShare, Charge, Detention, Hearing
from cases.serializers import CaseSerializer
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate, Precision
from casetracker.visibility import Viewer, visible
from people.models import Membership, Person, PersonAlias
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    ChargeDocumentFactory,
    ChargeFactory,
    DetentionFactory,
    FacilityFactory,
    HearingFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

TIERS = [Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED]
TODAY = dt.date.today()


def _vague(rnd: random.Random, day: dt.date) -> PartialDate:
    precision = rnd.choice(list(Precision))
    return PartialDate(day, precision, rnd.random() < 0.3, rnd.choice(["", "early that year"]))


def _case(rnd: random.Random, orgs, campaigns) -> Case:
    status = rnd.choice(list(Case.Status.values))
    group = rnd.random() < 0.2
    case = CaseFactory(
        owner=rnd.choice(orgs),
        tier=rnd.choice(TIERS),
        consent=rnd.choice(list(Case.Consent.values)),
        verdict_reached=rnd.random() < 0.5,
        status=status,
        kind=Case.Kind.GROUP if group else Case.Kind.INDIVIDUAL,
        person=None if group else PersonFactory(tier=rnd.choice(TIERS), native_name="Имя"),
        title="Case of a fake group" if group else "Case of a fake person",
        group_name="Fake group" if group else "",
        group_size=rnd.choice([None, 12]) if group else None,
        wgad_categories=rnd.choice([[], ["I", "III"]]),
        consent_note=rnd.choice(["", "asked the family (fake)"]),
        legal_assessment=rnd.choice(["", "arbitrary (fake)"]),
        detained_since=None,
    )
    case.detained_since_partial = rnd.choice(
        [None, _vague(rnd, dt.date(2021, 11, 22)), PartialDate.parse("2021-11-22")]
    )
    if rnd.random() < 0.3:
        case.released_on_partial = _vague(rnd, dt.date(2024, 3, 1))
    case.save()
    if case.person and rnd.random() < 0.6:
        for name in rnd.sample(["Alexei", "Alexey", "Алексей"], 2):
            PersonAlias.objects.create(person=case.person, name=name)
    return case


def _records(rnd: random.Random, case: Case) -> None:
    old = ChargeDocumentFactory(case=case, is_current=False, tier=rnd.choice(TIERS))
    current = ChargeDocumentFactory(case=case, is_current=True, tier=rnd.choice(TIERS))
    for document in (old, current):
        for position in range(rnd.randint(0, 3)):
            ChargeFactory(
                case=case,
                document=document,
                position=position,
                tier=rnd.choice(TIERS),
                status=rnd.choice(list(Charge.Status.values)),
            )
    for _ in range(rnd.randint(0, 3)):
        DetentionFactory(
            case=case,
            tier=rnd.choice(TIERS),
            facility=rnd.choice([None, FacilityFactory(name=f"Fake Prison {rnd.randint(1, 3)}")]),
            start=rnd.choice([None, dt.date(2021, 12, rnd.randint(1, 28))]),
            end=rnd.choice([None, None, dt.date(2023, 1, 1)]),
        )
    for _ in range(rnd.randint(0, 3)):
        HearingFactory(
            case=case,
            tier=rnd.choice(TIERS),
            date=TODAY + dt.timedelta(days=rnd.randint(-30, 60)),
            time=rnd.choice([None, dt.time(10, 30)]),
            timezone=rnd.choice(["", "Asia/Kolkata"]),
            status=rnd.choice(list(Hearing.Status.values)),
        )


def _world(seed: int, orgs) -> None:
    rnd = random.Random(seed)
    campaigns = [CampaignFactory(owner=rnd.choice(orgs), tier=t) for t in TIERS]
    campaigns[1].organisers.add(orgs[1])
    for _ in range(20):
        case = _case(rnd, orgs, campaigns)
        for org in orgs:
            if org != case.owner and rnd.random() < 0.5:
                CaseShare.objects.create(
                    case=case, organisation=org, tier=rnd.choice([Tier.PARTNERS, Tier.INTERNAL])
                )
        _records(rnd, case)
        for campaign in rnd.sample(campaigns, rnd.randint(0, 3)):
            campaign.cases.add(case)


def _api_viewers(orgs, make_member) -> list[Viewer]:
    a, b, c = orgs
    users = [
        make_member(a, Membership.Role.CASEWORKER),
        make_member(a, Membership.Role.CASEWORKER, restricted=True),
        make_member(b, Membership.Role.PARTNER),
        make_member(b, Membership.Role.CAMPAIGNER),
        make_member(c, Membership.Role.ADMINISTRATOR, restricted=True),
        UserFactory(is_superuser=True),
    ]
    # The API reads as the viewer capped below restricted (casetracker/api/base.viewer_for).
    return [Viewer.for_user(u).without_restricted() for u in users]


def _serializer_input(viewer: Viewer, qs) -> list[Case]:
    """The cases with what CaseSerializer reads, each piece straight from ``visible()``
    (one query per case and kind: an oracle independent of the row path's page scoping)."""
    by_id = Prefetch("aliases", queryset=PersonAlias.objects.order_by("pk"))
    people = {p.pk: p for p in visible(viewer, Person).prefetch_related(by_id)}
    cases = list(qs.select_related("owner"))
    for case in cases:
        case.person = people.get(case.person_id)
        case.api_campaigns = list(visible(viewer, Campaign).filter(cases=case).order_by("pk"))
        case.api_current_charges = list(
            visible(viewer, Charge)
            .filter(case=case, document__is_current=True)
            .exclude(status__in=ENDED_CHARGE_STATUSES)
            .order_by("position", "pk")
        )
        case.api_open_detentions = list(
            visible(viewer, Detention)
            .filter(case=case, end__isnull=True)
            .select_related("facility")
            .order_by("-start", "-pk")
        )
        case.api_upcoming_hearings = list(
            visible(viewer, Hearing)
            .filter(case=case, date__gte=TODAY, status=Hearing.Status.SCHEDULED)
            .order_by("date", "time", "pk")
        )
    return cases


def _json(data) -> list:
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_row_built_cases_equal_case_serializer_output_for_every_reader(db, make_member, seed):
    orgs = [OrganisationFactory() for _ in range(3)]
    _world(seed, orgs)
    compared = 0
    for viewer in _api_viewers(orgs, make_member):
        qs = visible(viewer, Case).order_by("pk")
        expected = _json(
            CaseSerializer(
                _serializer_input(viewer, qs), many=True, context={"viewer": viewer}
            ).data
        )
        got = _json(case_representations(viewer, case_rows(viewer, qs)))
        assert got == expected
        assert [list(c) for c in got] == [list(c) for c in expected]  # same key order
        compared += len(got)
    assert compared > 40  # the world is not trivially empty for the readers
