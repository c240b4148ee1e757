"""Every admin page that shows restricted content leaves one "read_restricted" row per record.

The rows name the fields shown, never their values. The API never returns restricted
content (casetracker.api.base.viewer_for caps every caller below restricted), so it has
no restricted reads to audit; the last test pins that down.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from casetracker.fields import Tier
from people.models import AuditEntry
from tests.factories import CaseFactory, TimelineEventFactory
from tests.security.canary import plant_canaries, plant_restricted_tier_records

pytestmark = pytest.mark.django_db


def reads(user) -> dict[tuple[str, str], list[str]]:
    rows = AuditEntry.objects.filter(action="read_restricted", user_id=user.pk)
    return {(r.model, r.object_id): r.changes["fields"] for r in rows}


@pytest.fixture
def admin_client_for(otp_login):
    def login(user) -> Client:
        client = Client()
        otp_login(client, user)
        return client

    return login


@pytest.fixture
def world(org_a):
    import datetime as dt

    world = plant_canaries(owner=org_a)
    plant_restricted_tier_records(world, hearing_on=dt.date(2030, 1, 1))
    return world


def test_the_case_page_audits_each_restricted_inline_row_and_field(
    world, org_a, make_member, admin_client_for
):
    named = make_member(org_a, restricted=True)
    url = reverse("admin:cases_case_change", args=[world.case.pk])
    response = admin_client_for(named).get(url)
    assert response.status_code == 200
    assert world.token in response.content.decode()  # she does read them ...
    got = reads(named)
    event, source, hearing, detention, charge = world.tier_records
    # ... restricted-tier rows: every field the inline shows
    assert "summary" in got[("cases.timelineevent", str(event.pk))]
    assert {"title", "identity"} <= set(got[("cases.source", str(source.pk))])
    assert "court" in got[("cases.hearing", str(hearing.pk))]
    assert "place" in got[("cases.detention", str(detention.pk))]
    assert "description" in got[("cases.charge", str(charge.pk))]
    # ... internal rows: only their restricted fields
    assert got[("cases.source", str(world.source.pk))] == ["contact", "identity"]
    assert got[("cases.detention", str(world.detention.pk))] == ["exact_address"]
    for note in world.notes:
        assert ("cases.casenote", str(note.pk)) in got
    # ... and never a value
    entries = AuditEntry.objects.filter(action="read_restricted")
    assert all(world.token not in json.dumps(e.changes) for e in entries)
    assert all(e.case_id == world.case.pk for e in entries)


def test_staff_without_restricted_access_leave_no_read_and_see_no_restricted_field(
    world, org_a, make_member, admin_client_for
):
    caseworker = make_member(org_a)
    url = reverse("admin:cases_case_change", args=[world.case.pk])
    response = admin_client_for(caseworker).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert world.token not in html
    assert "-identity" not in html and "-exact_address" not in html and "casenote" not in html
    assert reads(caseworker) == {}


def test_the_person_page_audits_relatives_and_private_contact(
    world, org_a, make_member, admin_client_for
):
    named = make_member(org_a, restricted=True)
    url = reverse("admin:people_person_change", args=[world.person.pk])
    assert world.token in admin_client_for(named).get(url).content.decode()
    assert reads(named)[("people.person", str(world.person.pk))] == [
        "private_contact",
        "relatives",
    ]


def test_a_changelist_listing_a_restricted_case_audits_that_row_only(
    org_a, make_member, admin_client_for
):
    named = make_member(org_a, restricted=True)
    secret = CaseFactory(owner=org_a, tier=Tier.RESTRICTED, title="Fake restricted case")
    open_case = CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    response = admin_client_for(named).get(reverse("admin:cases_case_changelist"))
    assert "Fake restricted case" in response.content.decode()
    got = reads(named)
    assert ("cases.case", str(secret.pk)) in got
    assert ("cases.case", str(open_case.pk)) not in got


def test_the_api_serves_named_staff_no_restricted_record_so_there_is_nothing_to_audit(
    world, org_a, make_member, otp_login
):
    named = make_member(org_a, restricted=True)
    client = APIClient()
    otp_login(client, named)
    restricted_event = TimelineEventFactory(case=world.case, tier=Tier.RESTRICTED)
    listing = client.get(f"/api/v1/cases/{world.case.pk}/events/")
    assert listing.status_code == 200
    assert restricted_event.pk not in {row["id"] for row in listing.json()["results"]}
    detail = client.get(f"/api/v1/cases/{world.case.pk}/events/{restricted_event.pk}/")
    assert detail.status_code == 404
    assert world.token not in listing.content.decode()
    assert reads(named) == {}
