"""Caseworkers editing through the admin: partial dates, imported rows, review items."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from cases.admin_services import review_items_resolve
from cases.models import ReviewItem, Source, TimelineEvent
from cases.services import record_mark_edited
from casetracker.partialdate import Precision
from people.models import Membership
from tests.admin.htmlform import change_form_data
from tests.factories import (
    CaseFactory,
    CaseShareFactory,
    ReviewItemFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(org_a, make_member):
    return make_member(org_a, Membership.Role.CASEWORKER)


def case_page(client, case):
    url = f"/admin/cases/case/{case.pk}/change/"
    return url, change_form_data(client.get(url), "case")


def test_partial_date_is_saved_floored_with_precision_and_words(
    org_a, caseworker, admin_client_for
):
    client = admin_client_for(caseworker)
    case = CaseFactory(owner=org_a)
    url, data = case_page(client, case)
    data.update(
        {
            "detained_since_0": "2016-09-15",
            "detained_since_1": str(int(Precision.MONTH)),
            "detained_since_2": "on",
            "detained_since_3": "In September 2016",
        }
    )
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.detained_since == dt.date(2016, 9, 1)
    assert case.detained_since_precision == Precision.MONTH
    assert case.detained_since_approximate is True
    assert case.detained_since_as_written == "In September 2016"
    assert "≈" in str(case.days_detained(today=dt.date(2022, 1, 1)))


def test_bad_partial_date_is_a_form_error_not_a_crash(org_a, caseworker, admin_client_for):
    client = admin_client_for(caseworker)
    case = CaseFactory(owner=org_a)
    url, data = case_page(client, case)
    data["detained_since_0"] = "31 Febtember"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "detained_since" in response.context["adminform"].form.errors


def test_days_detained_column_is_precision_aware(org_a, caseworker, admin_client_for):
    CaseFactory(owner=org_a, detained_since=dt.date(2016, 9, 1), detained_since_precision=2)
    html = admin_client_for(caseworker).get("/admin/cases/case/").content.decode()
    assert "≈ " in html and "days" in html


def test_editing_an_imported_event_marks_it_edited_and_leaves_others_alone(
    org_a, caseworker, admin_client_for
):
    client = admin_client_for(caseworker)
    case = CaseFactory(owner=org_a)
    first = TimelineEventFactory(case=case, fingerprint="imported-1", summary="As imported")
    second = TimelineEventFactory(
        case=case, fingerprint="imported-2", summary="Untouched", date=dt.date(2022, 1, 1)
    )
    url, data = case_page(client, case)
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == str(first.pk))[:-3]
    data[f"{prefix}-summary"] = "Corrected by a caseworker"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.summary, first.edited) == ("Corrected by a caseworker", True)
    assert second.edited is False


def test_saving_a_case_page_unchanged_marks_nothing_edited(org_a, caseworker, admin_client_for):
    client = admin_client_for(caseworker)
    case = CaseFactory(owner=org_a)
    event = TimelineEventFactory(case=case, fingerprint="imported-1")
    url, data = case_page(client, case)
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.edited is False


def test_record_mark_edited_ignores_hand_made_rows_and_models_without_the_flag(org_a):
    hand_made = TimelineEventFactory(fingerprint="")
    source = SourceFactory(fingerprint="imported-source")
    assert record_mark_edited(record=hand_made) is False
    assert record_mark_edited(record=source) is False
    assert not TimelineEvent.objects.get(pk=hand_made.pk).edited
    assert Source.objects.filter(pk=source.pk).exists()


def test_resolve_action_records_who_and_when_on_editable_cases_only(
    org_a, org_b, caseworker, admin_client_for
):
    own = ReviewItemFactory(case=CaseFactory(owner=org_a))
    shared_case = CaseFactory(owner=org_b, tier="partners")
    CaseShareFactory(case=shared_case, organisation=org_a, tier="internal", can_edit=False)
    read_only = ReviewItemFactory(case=shared_case, tier="partners")
    client = admin_client_for(caseworker)
    response = client.post(
        "/admin/cases/reviewitem/",
        {"action": "mark_resolved", "_selected_action": [own.pk, read_only.pk]},
        follow=True,
    )
    assert response.status_code == 200
    own.refresh_from_db()
    read_only.refresh_from_db()
    assert own.status == ReviewItem.Status.RESOLVED
    assert own.resolved_by == caseworker
    assert own.resolved_at is not None
    assert read_only.status == ReviewItem.Status.OPEN
    assert "left alone" in response.content.decode()


def test_dismiss_action_dismisses(org_a, caseworker, admin_client_for):
    item = ReviewItemFactory(case=CaseFactory(owner=org_a))
    admin_client_for(caseworker).post(
        "/admin/cases/reviewitem/", {"action": "dismiss", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert (item.status, item.resolved_by) == (ReviewItem.Status.DISMISSED, caseworker)


def test_resolving_takes_the_given_time_and_skips_closed_items(org_a, caseworker):
    at = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    open_item = ReviewItemFactory(case=CaseFactory(owner=org_a))
    closed = ReviewItemFactory(case=open_item.case, status=ReviewItem.Status.DISMISSED)
    count = review_items_resolve(items=ReviewItem.objects.all(), user=caseworker, now=at)
    assert count == 1
    open_item.refresh_from_db()
    closed.refresh_from_db()
    assert open_item.resolved_at == at
    assert closed.status == ReviewItem.Status.DISMISSED


def test_open_review_items_show_on_the_changelist_and_first_on_the_case(
    org_a, caseworker, admin_client_for
):
    case = CaseFactory(owner=org_a)
    ReviewItemFactory(case=case, status=ReviewItem.Status.RESOLVED, message="Old fake problem")
    ReviewItemFactory(case=case, message="Open fake problem 1", line=9)
    ReviewItemFactory(case=case, message="Open fake problem 2", line=3)
    client = admin_client_for(caseworker)
    listed = client.get("/admin/cases/case/").context["cl"].result_list
    assert [c.open_review_count for c in listed] == [2]
    html = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert (
        html.index("Open fake problem 2")
        < html.index("Open fake problem 1")
        < html.index("Old fake problem")
    )


def test_review_item_filters_by_case_country(org_a, caseworker, admin_client_for):
    ReviewItemFactory(case=CaseFactory(owner=org_a, country="BY"), message="Belarus fake")
    ReviewItemFactory(case=CaseFactory(owner=org_a, country="IN"), message="India fake")
    cl = admin_client_for(caseworker).get("/admin/cases/reviewitem/?case__country=BY").context["cl"]
    assert [r.message for r in cl.result_list] == ["Belarus fake"]


# -- create_demo_admin ------------------------------------------------------------------------
def test_create_demo_admin_prints_a_working_password_and_resets_it(client, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_admin", stdout=out)
    text = out.getvalue()
    password = text.split("password:")[1].split()[0]
    assert "http://127.0.0.1:8000/admin/" in text
    user = authenticate(username="demo", password=password)
    assert user is not None and user.is_superuser
    assert user.membership.role == Membership.Role.ADMINISTRATOR
    assert user.membership.organisation.acronym == "CIVICUS"
    assert user.membership.organisation.is_member

    again = io.StringIO()
    call_command("create_demo_admin", stdout=again)
    new_password = again.getvalue().split("password:")[1].split()[0]
    assert new_password != password
    assert authenticate(username="demo", password=password) is None
    assert authenticate(username="demo", password=new_password) is not None
    assert "otpauth://totp/" in again.getvalue()
    code = io.StringIO()
    call_command("demo_totp", "demo", code=True, stdout=code)
    response = client.post(
        "/admin/login/?next=/admin/cases/case/",
        {"username": "demo", "password": new_password, "otp_token": code.getvalue().strip()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/admin/cases/case/").status_code == 200


def test_the_demo_admin_cannot_log_in_with_the_password_alone(client, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_admin", stdout=out)
    password = out.getvalue().split("password:")[1].split()[0]
    client.post("/admin/login/", {"username": "demo", "password": password})
    assert client.get("/admin/cases/case/").status_code == 302


def test_create_demo_admin_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_admin", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="demo").exists()
