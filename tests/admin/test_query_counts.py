"""No N+1 in the admin: a page costs the same number of queries with 1 row and with 12."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import CountryRating, Signatory
from cases.models import Case
from casetracker.fields import Tier
from people.models import Affiliation, Membership, PersonAlias
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    CaseShareFactory,
    ChargeDocumentFactory,
    ChargeFactory,
    DetentionFactory,
    FacilityFactory,
    HearingFactory,
    OrganisationFactory,
    PersonFactory,
    ReviewItemFactory,
    SignatoryFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

MANY = 12


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up process-wide caches (content types) so only the page counts
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def caseworker_client(org_a, make_member, admin_client_for):
    return admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))


def full_case(owner, n: int) -> Case:
    """A case with n rows in every inline, each row pointing at its related rows."""
    case = CaseFactory(owner=owner, tier=Tier.INTERNAL)
    sources = [SourceFactory(case=case) for _ in range(n)]
    document = ChargeDocumentFactory(case=case, source=sources[0])
    previous = None
    for i in range(n):
        TimelineEventFactory(case=case, source=sources[i], fingerprint=f"ev{i}")
        ChargeFactory(case=case, document=document, position=i)
        previous = HearingFactory(
            case=case, date=dt.date(2030, 1, 1) + dt.timedelta(days=i), postponed_from=previous
        )
        DetentionFactory(case=case, facility=FacilityFactory())
        ReviewItemFactory(case=case, line=i)
        CaseShareFactory(case=case, organisation=OrganisationFactory())
    for _ in range(n - 1):
        ChargeDocumentFactory(case=case)
    return case


def test_case_changelist_costs_the_same_with_one_and_many_cases(org_a, caseworker_client):
    url = "/admin/cases/case/"
    full_case(org_a, 1)
    one = queries_for(caseworker_client, url)
    for _ in range(MANY):
        full_case(OrganisationFactory(), 2)  # other owners: some visible (public), some not
        full_case(org_a, 2)
    assert queries_for(caseworker_client, url) == one


def test_case_changelist_with_filters_and_search_is_constant(org_a, caseworker_client):
    url = "/admin/cases/case/?upcoming_hearing=yes&status__exact=detained&q=Testy"
    full_case(org_a, 1)
    one = queries_for(caseworker_client, url)
    for _ in range(MANY):
        full_case(org_a, 1)
    assert queries_for(caseworker_client, url) == one


def test_case_change_page_costs_the_same_with_one_and_many_inline_rows(org_a, caseworker_client):
    small, big = full_case(org_a, 1), full_case(org_a, MANY)
    assert queries_for(caseworker_client, f"/admin/cases/case/{big.pk}/change/") == queries_for(
        caseworker_client, f"/admin/cases/case/{small.pk}/change/"
    )


def test_read_only_case_change_page_is_constant_too(org_a, make_member, admin_client_for):
    auditor = admin_client_for(make_member(org_a, Membership.Role.AUDITOR))
    small, big = full_case(org_a, 1), full_case(org_a, MANY)
    assert queries_for(auditor, f"/admin/cases/case/{big.pk}/change/") == queries_for(
        auditor, f"/admin/cases/case/{small.pk}/change/"
    )


def test_review_item_changelist_is_constant(org_a, caseworker_client):
    url = "/admin/cases/reviewitem/"
    full_case(org_a, 1)
    one = queries_for(caseworker_client, url)
    full_case(org_a, MANY)
    assert queries_for(caseworker_client, url) == one


def person_with(n: int):
    person = PersonFactory()
    for i in range(n):
        PersonAlias.objects.create(person=person, name=f"Alias {person.pk}-{i}")
        Affiliation.objects.create(
            person=person, organisation=OrganisationFactory(), role=f"role {i}"
        )
    return person


def test_person_changelist_and_change_page_are_constant(org_a, caseworker_client):
    small = person_with(1)
    CaseFactory(owner=org_a, person=small)
    list_one = queries_for(caseworker_client, "/admin/people/person/")
    page_one = queries_for(caseworker_client, f"/admin/people/person/{small.pk}/change/")
    big = person_with(MANY)
    for _ in range(MANY):
        CaseFactory(owner=org_a, person=big)
        person_with(1)
    assert queries_for(caseworker_client, "/admin/people/person/") == list_one
    assert queries_for(caseworker_client, f"/admin/people/person/{big.pk}/change/") == page_one


def campaign_with(owner, n: int):
    campaign = CampaignFactory(owner=owner, anonymous_signatory_count=314)
    for i in range(n):
        SignatoryFactory(campaign=campaign, organisation=OrganisationFactory(), position=i)
        campaign.cases.add(CaseFactory(owner=owner))
        campaign.organisers.add(OrganisationFactory())
    return campaign


def test_campaign_pages_are_constant(org_a, caseworker_client):
    small = campaign_with(org_a, 1)
    list_one = queries_for(caseworker_client, "/admin/campaigns/campaign/")
    page_one = queries_for(caseworker_client, f"/admin/campaigns/campaign/{small.pk}/change/")
    signatories_one = queries_for(caseworker_client, "/admin/campaigns/signatory/")
    big = campaign_with(org_a, MANY)
    for _ in range(MANY):
        campaign_with(org_a, 1)
    assert queries_for(caseworker_client, "/admin/campaigns/campaign/") == list_one
    assert queries_for(caseworker_client, f"/admin/campaigns/campaign/{big.pk}/change/") == page_one
    assert queries_for(caseworker_client, "/admin/campaigns/signatory/") == signatories_one


def test_campaign_page_with_451_signatories_renders_no_signatory_forms(org_a, caseworker_client):
    campaign = CampaignFactory(owner=org_a, anonymous_signatory_count=314)
    Signatory.objects.bulk_create(
        Signatory(campaign=campaign, kind="individual", name=f"Fake Signer {i}", position=i)
        for i in range(451)
    )
    response = caseworker_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    html = response.content.decode()
    assert response.context["named_signatory_count"] == 451
    assert "314" in html
    assert 'name="signatories-0-name"' not in html  # no form per existing signatory
    assert f"?campaign__id__exact={campaign.pk}" in html


_years = itertools.count(1990)


def make_rating():
    return CountryRating.objects.create(
        country="BY", rating="closed", date=dt.date(next(_years), 1, 1), date_precision=3
    )


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/people/organisation/", OrganisationFactory),
        ("/admin/cases/facility/", FacilityFactory),
        ("/admin/campaigns/countryrating/", make_rating),
    ],
)
def test_reference_data_changelists_are_constant(caseworker_client, url, make):
    make()
    one = queries_for(caseworker_client, url)
    for _ in range(MANY):
        make()
    assert queries_for(caseworker_client, url) == one
