"""The benchmark must not rot: run it at tiny scale and check what it reports (not timed)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.models import Reminder
from cases.models import Case, CaseShare, ChangeLogEntry

EXPECTED = {
    "partner_list_50_first",
    "partner_list_50_deep",
    "partner_list_500_first",
    "partner_list_500_deep",
    "partner_case_detail",
    "search_rare",
    "search_common",
    "search_non_latin",
    "change_feed_500",
    "admin_case_changelist",
    "admin_case_change",
    "reminder_planner_all_cases",
    "reminder_sweep_10",
    "chronology_import",
}


@pytest.fixture
def scale_data(db):
    call_command("generate_scale_data", cases=60, events_per_case=3, seed=7)


def test_generator_writes_change_log_shares_and_campaign_links(scale_data):
    cases = Case.objects.filter(reference__startswith="SYN-")
    assert cases.count() == 60
    logged_cases = ChangeLogEntry.objects.filter(kind="case").values_list("object_id", flat=True)
    assert set(cases.values_list("pk", flat=True)) <= set(logged_cases)
    assert ChangeLogEntry.objects.filter(kind="event").count() == 180
    assert CaseShare.objects.filter(case__in=cases).exists()


def test_bench_reports_every_operation_with_constant_query_counts(scale_data, tmp_path):
    out = tmp_path / "bench.json"
    call_command(
        "bench", repeat=1, heavy_repeat=1, sweep=10, entries=40, out=str(out), stdout=io.StringIO()
    )
    doc = json.loads(out.read_text())
    assert doc["machine"]["cases"] == 60
    results = {r["operation"]: r for r in doc["results"]}
    assert set(results) == EXPECTED
    for r in results.values():
        assert set(r) >= {"rows", "median_ms", "p95_ms", "reference_ms", "ratio", "queries"}
        assert r["median_ms"] > 0 and r["queries"] > 0
    for size in (50, 500):
        first, deep = results[f"partner_list_{size}_first"], results[f"partner_list_{size}_deep"]
        assert first["queries"] == deep["queries"]
        assert first["rows"] > 0 and deep["rows"] > 0
    assert results["reminder_sweep_10"]["rows"] == 10
    assert results["chronology_import"]["rows"] > 0
    # The sweep's and the planner's rows are cleaned up or left inactive.
    assert not Reminder.objects.filter(state="pending", subscription__label="bench-sweep").exists()


def test_bench_refuses_to_run_without_synthetic_data(db, tmp_path):
    with pytest.raises(CommandError, match="generate_scale_data"):
        call_command("bench", out=str(tmp_path / "x.json"))


def test_change_feed_serves_an_organisation_without_a_country(db):
    """Found by the bench: Country("") reached the JSON renderer and the feed answered 500."""
    from rest_framework.test import APIClient

    from people.models import Organisation
    from people.tokens import partner_token_create

    partner = Organisation.objects.create(name="Countryless partner", is_member=True)
    _token, raw = partner_token_create(organisation=partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/changes/?page_size=500")
    assert response.status_code == 200
    orgs = [r for r in response.json()["results"] if r["type"] == "organisation"]
    assert any(r["id"] == partner.pk and r["data"]["country"] == "" for r in orgs)
