"""The audit rows of a bulk_create equal the per-row ``create`` rows (the fast path)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from cases.models import Case, Source, TimelineEvent
from casetracker import audit
from casetracker.fields import Tier
from people.models import AuditEntry
from tests.factories import CaseFactory, PersonFactory, SourceFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db
FIELDS = ("user_id", "username", "ip_address", "action", "model", "object_id", "case_id")


def as_tuple(entry) -> tuple:
    return (*(getattr(entry, f) for f in FIELDS), entry.changes)


def created_entries(model, objs) -> list[AuditEntry]:
    rows = audit._created_rows(model, objs)
    return [AuditEntry(**dict(zip(audit.CREATED_FIELDS, row, strict=True))) for row in rows]


def assert_same_entries(objs) -> None:
    fast = created_entries(type(objs[0]), objs)
    slow = [audit._instance_entry("create", obj, None) for obj in objs]
    assert [as_tuple(e) for e in fast] == [as_tuple(e) for e in slow]


@pytest.mark.parametrize("tier", [Tier.PUBLIC, Tier.INTERNAL, Tier.RESTRICTED])
def test_records_with_empty_null_and_encrypted_values_give_the_per_row_entries(tier):
    case = CaseFactory(tier=tier)
    sources = [
        SourceFactory(case=case, tier=tier, identity="Secret Name", contact="", url=""),
        SourceFactory(case=case, tier=tier, publisher="", date=None),
    ]
    events = [
        TimelineEventFactory(case=case, tier=tier, line=None, summary='He said "no".'),
        TimelineEventFactory(case=case, tier=tier, date=dt.date(2020, 1, 1), line=3),
    ]
    with audit.system_actor("test_bulk"):
        assert_same_entries(sources)
        assert_same_entries(events)
    entry = created_entries(Source, sources[:1])[0]
    assert entry.changes["identity"] == [None, audit.MASK]
    assert entry.case_id == case.pk and entry.object_id == str(sources[0].pk)


def test_cases_and_people_and_a_request_actor_give_the_per_row_entries(make_member, org_a):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    request.user = make_member(org_a)
    cases = [CaseFactory(tier=Tier.INTERNAL), CaseFactory(tier=Tier.RESTRICTED)]
    people = [PersonFactory(private_contact="+1 555"), PersonFactory(tier=Tier.RESTRICTED)]
    with audit.actor_from_request(request):
        assert_same_entries(cases)
        assert_same_entries(people)
        entry = created_entries(Case, cases[:1])[0]
    assert entry.case_id == cases[0].pk and entry.username == request.user.get_username()


def test_bulk_create_writes_one_create_row_per_record_with_the_per_row_changes():
    case = CaseFactory()
    events = [
        TimelineEvent(case=case, date=dt.date(2021, 1, d), type="arrest", summary=f"s{d}")
        for d in (1, 2, 3)
    ]
    with audit.system_actor("test_bulk"):
        TimelineEvent.objects.bulk_create(events)
        expected = [as_tuple(audit._instance_entry("create", e, None)) for e in events]
    written = AuditEntry.objects.filter(model="cases.timelineevent", case_id=case.pk)
    assert sorted((as_tuple(e) for e in written), key=lambda t: int(t[5])) == expected
