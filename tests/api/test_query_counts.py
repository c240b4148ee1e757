"""Every list endpoint issues the same number of queries for 1 and 100 rows per page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casetracker.fields import Tier
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    CaseShareFactory,
    ChargeFactory,
    DetentionFactory,
    HearingFactory,
    OrganisationFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(db):
    partner_org = OrganisationFactory(name="Fake Counting Partner")
    first = None
    for i in range(6):
        case = CaseFactory(tier=Tier.PARTNERS if i % 2 else Tier.PUBLIC)
        CaseShareFactory(case=case, organisation=partner_org)
        first = first or case
        for _ in range(3):
            src = SourceFactory(case=case)
            TimelineEventFactory(case=case, source=src)
            ChargeFactory(case=case, source=src)
            HearingFactory(case=case, date=dt.date.today() + dt.timedelta(days=5))
            DetentionFactory(case=case)
        CampaignFactory().cases.add(case)
    return partner_org, first


URLS = [
    "/api/v1/cases/",
    "/api/v1/people/",
    "/api/v1/organisations/",
    "/api/v1/campaigns/",
    "/api/v1/hearings/",
    "/api/v1/hearings/upcoming/",
    "/api/v1/cases/{case}/events/",
    "/api/v1/cases/{case}/charges/",
    "/api/v1/cases/{case}/hearings/",
    "/api/v1/cases/{case}/detentions/",
    "/api/v1/cases/{case}/sources/",
]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("url", URLS)
def test_list_query_count_does_not_grow_with_page_size(busy, token_client, url):
    partner_org, case = busy
    client = token_client(partner_org)
    url = url.format(case=case.pk)
    client.get(url)  # warm-up: last_used_at is written once
    small, n_small = count(client, f"{url}?page_size=1")
    large, n_large = count(client, f"{url}?page_size=100")
    assert n_small == 1 and n_large > 1
    assert small == large


def test_staff_case_list_query_count_does_not_grow_with_page_size(
    busy, make_member, session_client
):
    from tests.factories import OrganisationFactory as Org

    client = session_client(make_member(Org(name="Fake Staff Org")))
    client.get("/api/v1/cases/")
    assert (
        count(client, "/api/v1/cases/?page_size=1")[0]
        == count(client, "/api/v1/cases/?page_size=100")[0]
    )


def test_the_change_feed_query_count_depends_on_record_types_not_page_size(busy, token_client):
    """The feed runs a fixed set of queries per record *type* present in a page (at most
    nine types), so pages covering every type cost the same whatever their size."""
    partner_org, _case = busy
    client = token_client(partner_org)
    client.get("/api/v1/changes/")
    small, n_small = count(client, "/api/v1/changes/?page_size=100")
    large, n_large = count(client, "/api/v1/changes/?page_size=500")
    assert n_large > n_small
    assert small == large
