"""The audit trail: every write of case data recorded, restricted values masked, immutable."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory

from cases.models import CaseNote, Hearing, TimelineEvent
from casetracker import audit
from casetracker.fields import Tier
from people.models import (
    Affiliation,
    AuditEntry,
    AuditImmutableError,
    Membership,
    Organisation,
    Person,
    PersonAlias,
)
from tests.factories import CaseFactory, HearingFactory, PersonFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


@pytest.fixture
def as_user(make_member, org_a):
    user = make_member(org_a)
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.23")
    request.user = user
    with audit.actor_from_request(request):
        yield user


def test_every_case_data_model_is_audited():
    # The change feed's bookkeeping (which record changed, which audience saw it) holds no
    # case content and is written on every write; auditing it would only double the trail.
    feed_bookkeeping = {"cases.ChangeLogEntry", "cases.FeedExposure"}
    case_models = {
        m
        for m in apps.get_app_config("cases").get_models()
        if m._meta.label not in feed_bookkeeping
    }
    others = {Person, PersonAlias, Affiliation, Organisation, Membership}
    others |= {apps.get_model("campaigns", "Campaign"), apps.get_model("campaigns", "Signatory")}
    unaudited = [m._meta.label for m in case_models | others if not audit.is_audited(m)]
    assert unaudited == []
    assert not audit.is_audited(AuditEntry)


def test_create_update_delete_record_who_when_where_and_what(as_user):
    hearing = HearingFactory(court="Fake Court")
    hearing.court = "Other Fake Court"
    hearing.save()
    pk = hearing.pk
    hearing.delete()
    rows = entries(model="cases.hearing", object_id=str(pk))
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert {(r.user_id, r.username, r.ip_address) for r in rows} == {
        (as_user.pk, as_user.username, "198.51.100.23")
    }
    assert rows[1].changes == {"court": ["Fake Court", "Other Fake Court"]}
    assert rows[1].case_id == hearing.case_id
    assert rows[2].changes["court"] == ["Other Fake Court", None]


def test_a_save_that_changes_nothing_writes_no_row(as_user):
    event = TimelineEventFactory()
    before = AuditEntry.objects.count()
    event.save()
    assert AuditEntry.objects.count() == before


def test_bulk_update_writes_one_row_per_changed_record():
    case = CaseFactory()
    events = [TimelineEventFactory(case=case, summary=f"s{i}") for i in range(3)]
    with audit.system_actor("test_sweep"):
        n = TimelineEvent.objects.filter(case=case).update(tier=Tier.PARTNERS)
    assert n == 3
    rows = entries(action="bulk_update", model="cases.timelineevent")
    assert {r.object_id for r in rows} == {str(e.pk) for e in events}
    assert all(r.changes == {"tier": ["public", "partners"]} for r in rows)
    assert all(r.username == "system:test_sweep" and r.case_id == case.pk for r in rows)


def test_bulk_update_through_bulk_update_and_related_managers_is_recorded():
    case = CaseFactory()
    hearings = [HearingFactory(case=case) for _ in range(2)]
    for h in hearings:
        h.court = "Moved Court"
    Hearing.objects.bulk_update(hearings, ["court"])
    case.hearings.update(outcome="adjourned")
    rows = entries(action="bulk_update", model="cases.hearing")
    assert len(rows) == 4


def test_queryset_delete_and_bulk_create_are_recorded():
    case = CaseFactory()
    TimelineEvent.objects.bulk_create(
        [TimelineEvent(case=case, date=f"2022-01-0{i + 1}", summary="x") for i in range(2)]
    )
    assert len(entries(action="create", model="cases.timelineevent")) == 2
    TimelineEvent.objects.filter(case=case).delete()
    assert len(entries(action="delete", model="cases.timelineevent")) == 2


def test_an_unattributed_write_is_visibly_unattributed():
    PersonFactory()
    assert entries(model="people.person")[0].username == "system:unattributed"


def test_restricted_values_are_masked_in_the_trail():
    person = PersonFactory(relatives="Sister Fakename")
    person.relatives = "Brother Fakename"
    person.save()
    Person.objects.filter(pk=person.pk).update(private_contact="Fakename phone")
    CaseNote.objects.create(case=CaseFactory(), tier=Tier.RESTRICTED, text="Fakename")
    restricted_event = TimelineEventFactory(tier=Tier.RESTRICTED, summary="Hidden Fakename")
    restricted_event.summary = "Moved Fakename"
    restricted_event.save()
    rows = AuditEntry.objects.all()
    assert all("Fakename" not in str(r.changes) for r in rows)
    update = AuditEntry.objects.get(model="people.person", action="update")
    assert update.changes == {"relatives": ["•••", "•••"]}
    assert AuditEntry.objects.get(model="cases.casenote").changes["text"] == [None, "•••"]


def test_restricted_reads_and_exports_are_recorded_without_values():
    person = PersonFactory(relatives="Fakename")
    with audit.system_actor("export_test"):
        audit.record_restricted_read(obj=person, fields=["relatives"])
        audit.record_export(model_label="cases.case", count=12, what="csv")
    read = AuditEntry.objects.get(action="read_restricted")
    assert read.changes == {"fields": ["relatives"]} and read.object_id == str(person.pk)
    assert AuditEntry.objects.get(action="export").changes == {"count": 12, "what": "csv"}


def test_logins_and_failed_logins_are_recorded_with_the_address(make_member, org_a):
    user = make_member(org_a)
    client = Client()
    client.post(
        "/admin/login/",
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR="192.0.2.5",
        HTTP_X_FORWARDED_FOR="10.9.9.9",  # not from a trusted proxy: ignored
    )
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.username == f"attempt:{user.username}"
    assert failed.ip_address == "192.0.2.5"
    assert "wrong" not in str(failed.changes)


# -- immutability ---------------------------------------------------------------------
def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm():
    PersonFactory()
    entry = AuditEntry.objects.first()
    entry.username = "someone else"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.bulk_update([entry], ["username"])
    assert AuditEntry.objects.get(pk=entry.pk).username != "someone else"


def test_postgres_refuses_raw_sql_updates_and_deletes_of_the_trail(on_postgres):
    PersonFactory()
    pk = AuditEntry.objects.first().pk
    for sql in (
        "UPDATE people_auditentry SET username = 'x' WHERE id = %s",
        "DELETE FROM people_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [pk])
    assert AuditEntry.objects.filter(pk=pk).exists()


# -- admin ----------------------------------------------------------------------------
def test_auditors_browse_the_trail_read_only_and_others_cannot(org_a, make_member, otp_login):
    auditor, caseworker = make_member(org_a, "auditor"), make_member(org_a)
    CaseFactory(owner=org_a)
    entry = AuditEntry.objects.filter(model="cases.case").first()
    client = Client()
    otp_login(client, auditor)
    assert client.get("/admin/people/auditentry/").status_code == 200
    page = client.get(f"/admin/people/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/people/auditentry/add/").status_code == 403
    assert client.post(f"/admin/people/auditentry/{entry.pk}/delete/").status_code == 403
    other = Client()
    otp_login(other, caseworker)
    assert other.get("/admin/people/auditentry/").status_code == 403


def test_an_auditor_sees_only_the_trail_of_their_own_organisation(
    org_a, org_b, make_member, viewer_of
):
    from casetracker.visibility import visible

    auditor_a = make_member(org_a, "auditor")
    case_a, case_b = CaseFactory(owner=org_a), CaseFactory(owner=org_b)
    seen = set(visible(viewer_of(auditor_a), AuditEntry).values_list("case_id", flat=True))
    assert case_a.pk in seen and case_b.pk not in seen
    assert not visible(viewer_of(make_member(org_a)), AuditEntry).exists()


def test_the_audit_changelist_query_count_does_not_grow_with_rows(
    org_a, make_member, otp_login, django_assert_max_num_queries
):
    auditor = make_member(org_a, "auditor")
    client = Client()
    otp_login(client, auditor)
    case = CaseFactory(owner=org_a)
    client.get("/admin/people/auditentry/")  # warm caches (content types, session)
    with django_assert_max_num_queries(16) as few:
        assert client.get("/admin/people/auditentry/").status_code == 200
    for _ in range(20):
        HearingFactory(case=case)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/admin/people/auditentry/").status_code == 200
