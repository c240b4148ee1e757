from __future__ import annotations

import json

import pytest

from cases.models import Case, Hearing, TimelineEvent
from casetracker.fields import Tier
from people.models import Membership
from tests.factories import CaseFactory, CaseShareFactory, HearingFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org_a):
    return CaseFactory(owner=org_a, tier=Tier.INTERNAL)


@pytest.fixture
def caseworker(org_a, make_member, session_client):
    return session_client(make_member(org_a))


def test_a_caseworker_creates_a_case_with_a_partial_date(caseworker, org_a):
    response = caseworker.post(
        "/api/v1/cases/",
        {
            "title": "Fake case of a new detainee",
            "person_name": "Testy New Detainee",
            "country": "IN",
            "status": "detained",
            "tier": "internal",
            "detained_since": {
                "date": "2016-09",
                "precision": "month",
                "as_written": "In September 2016",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.owner == org_a
    assert case.person.primary_name == "Testy New Detainee"
    assert str(case.detained_since_partial) == "September 2016"
    assert response["ETag"]


def test_an_edtf_string_is_accepted_for_a_partial_date(caseworker, case):
    response = caseworker.post(
        f"/api/v1/cases/{case.pk}/events/",
        {"date": "2021-11~", "type": "arrest", "summary": "Arrested (fake)", "tier": "internal"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["date"]["edtf"] == "2021-11~"
    event = TimelineEvent.objects.get(pk=response.json()["id"])
    assert event.date_approximate and event.date_precision == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2021-02-30", "type": "arrest", "summary": "x"}, "date"),
        (
            {"date": {"date": "2021-09", "precision": "day"}, "type": "arrest", "summary": "x"},
            "date",
        ),
        ({"date": {"precision": "month"}, "type": "arrest", "summary": "x"}, "date"),
        ({"date": "2021", "type": "abduction", "summary": "x"}, "type"),
        ({"date": "2021", "type": "arrest", "summary": "x", "tier": "restricted"}, "tier"),
        ({"date": "2021", "type": "arrest", "summary": "x", "tier": "secret"}, "tier"),
        ({"date": "2021", "type": "arrest", "summary": "bad\x00byte"}, "summary"),
        ({"date": "2021", "type": "arrest", "summary": "Sentenced\u202eYLNO"}, "summary"),
        ({"date": "2021", "type": "arrest"}, "summary"),
        ({"date": 20210101, "type": "arrest", "summary": "x"}, "date"),
    ],
)
def test_invalid_writes_are_400_naming_the_field_and_store_nothing(caseworker, case, body, field):
    before = TimelineEvent.objects.count()
    response = caseworker.post(f"/api/v1/cases/{case.pk}/events/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert TimelineEvent.objects.count() == before


def test_bidi_controls_in_a_name_are_rejected_with_a_clear_message(caseworker):
    response = caseworker.post(
        "/api/v1/cases/",
        {"title": "x", "person_name": "Testy \u202eFake", "country": "IN", "status": "detained"},
        format="json",
    )
    assert response.status_code == 400
    assert "bidirectional" in response.json()["person_name"][0]
    assert not Case.objects.exists()


def test_a_10_mb_body_is_refused_and_nothing_is_stored(caseworker, case):
    body = json.dumps({"date": "2021", "type": "arrest", "summary": "x" * (10 * 1024 * 1024)})
    response = caseworker.post(
        f"/api/v1/cases/{case.pk}/events/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert not TimelineEvent.objects.exists()


def test_deeply_nested_json_is_400(caseworker, case):
    for depth in (50, 100_000):
        body = "[" * depth + "]" * depth
        response = caseworker.post(
            f"/api/v1/cases/{case.pk}/events/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert "nested" in response.json()["detail"] or "JSON" in response.json()["detail"]


def test_malformed_json_is_400(caseworker, case):
    response = caseworker.post(
        f"/api/v1/cases/{case.pk}/events/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_update_needs_if_match_and_refuses_a_stale_one(caseworker, case):
    hearing = HearingFactory(case=case, tier=Tier.INTERNAL)
    url = f"/api/v1/cases/{case.pk}/hearings/{hearing.pk}/"
    etag = caseworker.get(url)["ETag"]
    assert caseworker.patch(url, {"court": "A"}, format="json").status_code == 428
    first = caseworker.patch(url, {"court": "A"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = caseworker.patch(url, {"court": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    hearing.refresh_from_db()
    assert hearing.court == "A"


def test_editing_an_imported_record_marks_it_edited(caseworker, case):
    event = TimelineEventFactory(case=case, tier=Tier.INTERNAL, fingerprint="abc123")
    url = f"/api/v1/cases/{case.pk}/events/{event.pk}/"
    etag = caseworker.get(url)["ETag"]
    response = caseworker.patch(
        url, {"summary": "Corrected (fake)"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.edited and event.summary == "Corrected (fake)"


def test_a_case_update_with_if_match_changes_it(caseworker, case):
    url = f"/api/v1/cases/{case.pk}/"
    etag = caseworker.get(url)["ETag"]
    response = caseworker.patch(url, {"status": "on_bail"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == "on_bail"


def test_a_bad_date_order_is_a_field_error_not_a_500(caseworker, case):
    response = caseworker.post(
        f"/api/v1/cases/{case.pk}/detentions/",
        {"type": "pre_trial", "start": "2022-01-05", "end": "2021-01-01", "tier": "internal"},
        format="json",
    )
    assert response.status_code == 400
    assert "end" in response.json()


@pytest.mark.parametrize("role", ["partner", "campaigner", "auditor"])
def test_only_caseworkers_and_administrators_may_write(
    org_a, make_member, session_client, case, role
):
    client = session_client(make_member(org_a, role))
    body = {"date": "2021", "type": "arrest", "summary": "x", "tier": "public"}
    response = client.post(f"/api/v1/cases/{case.pk}/events/", body, format="json")
    assert response.status_code in (403, 404)
    assert not TimelineEvent.objects.exists()


def test_another_organisations_caseworker_may_write_only_with_an_edit_share(
    org_b, make_member, session_client, case
):
    client = session_client(make_member(org_b))
    body = {"court": "x", "date": "2031-01-01", "tier": "partners"}
    url = f"/api/v1/cases/{case.pk}/hearings/"
    assert client.post(url, body, format="json").status_code == 404  # cannot even see it
    share = CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS)
    case.tier = Tier.PARTNERS
    case.save()
    assert client.post(url, body, format="json").status_code == 403
    share.can_edit = True
    share.save()
    assert client.post(url, body, format="json").status_code == 201
    body["tier"] = "internal"  # beyond the share
    assert client.post(url, body, format="json").status_code == 400
    assert Hearing.objects.count() == 1


def test_a_partner_token_cannot_write(org_a, token_client, case):
    client = token_client(org_a)
    response = client.post("/api/v1/cases/", {"title": "x"}, format="json")
    assert response.status_code == 403
    assert Membership.objects.get(user__username__startswith="api-partner").role == "partner"


def test_a_case_update_through_the_api_marks_it_edited(org_a, make_member, session_client):
    client = session_client(make_member(org_a))
    case = CaseFactory(owner=org_a, tier="internal")
    url = f"/api/v1/cases/{case.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"status": "on_bail"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.status, case.edited) == ("on_bail", True)
