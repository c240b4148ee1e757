"""insert_rows (COPY on PostgreSQL) writes the same rows as bulk_create would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import ChangeLogEntry
from casetracker.copyinsert import insert_rows, insert_values
from people.models import AuditEntry

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(dt.datetime(2024, 2, 29, 23, 59, 58, 123456))
AWKWARD = {
    "quotes": ['say "no"', "back\\slash", "tab\there", "new\nline", "", None],
    "unicode": ["Tihar — “maximum” ••• 日本", 3, 2.5, True, {"nested": ["{a,b}", "NULL"]}],
}


def audit_rows(tag: str) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=AT,
            user_id=7 if i % 2 else None,
            username=f"{tag}-user\t{i}",
            ip_address="2001:db8::1" if i % 3 == 0 else None,
            action="create",
            model="cases.timelineevent",
            object_id=str(i),
            case_id=None if i == 1 else 42,
            changes={**AWKWARD, "i": i},
        )
        for i in range(5)
    ]


FIELDS = ("at", "user_id", "ip_address", "action", "model", "object_id", "case_id", "changes")


def stored(tag: str) -> list[tuple]:
    rows = AuditEntry.objects.filter(username__startswith=f"{tag}-").order_by("pk")
    return [(r.username.split("-", 1)[1], *(getattr(r, f) for f in FIELDS)) for r in rows]


def test_audit_rows_read_back_the_same_as_rows_written_by_bulk_create():
    insert_rows(AuditEntry, audit_rows("copy"))
    AuditEntry.objects.bulk_create(audit_rows("bulk"))
    assert stored("copy") == stored("bulk")
    assert len(stored("copy")) == 5


def test_defaults_and_auto_now_add_are_filled_as_on_insert():
    before = timezone.now()
    insert_rows(ChangeLogEntry, [ChangeLogEntry(kind="event", object_id=i) for i in (1, 2)])
    insert_rows(AuditEntry, [AuditEntry(username="x", action="login") for _ in range(2)])
    entries = ChangeLogEntry.objects.filter(object_id__in=(1, 2), kind="event")
    assert [e.object_id for e in entries] == [1, 2]  # ids from the sequence, in order
    assert all(e.at >= before for e in entries)
    audits = AuditEntry.objects.filter(username="x")
    assert [a.changes for a in audits] == [{}, {}] and all(a.at >= before for a in audits)


def test_many_rows_are_one_counted_statement():
    with CaptureQueriesContext(connection) as queries:
        insert_rows(ChangeLogEntry, [ChangeLogEntry(kind="case", object_id=i) for i in range(50)])
    assert len(queries) == 1
    assert ChangeLogEntry.objects.filter(kind="case", object_id__lt=50).count() == 50


def test_a_constraint_violation_is_a_django_integrity_error(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(AuditEntry, [AuditEntry(username="y", action="nonsense") for _ in range(2)])


def test_values_without_instances_take_the_other_fields_defaults():
    insert_values(
        AuditEntry, ("username", "action", "at"), [("v1", "export", AT), ("v2", "export", AT)]
    )
    rows = AuditEntry.objects.filter(username__in=("v1", "v2")).order_by("username")
    assert [(r.username, r.at, r.changes, r.model, r.ip_address) for r in rows] == [
        ("v1", AT, {}, "", None),
        ("v2", AT, {}, "", None),
    ]
    insert_values(
        ChangeLogEntry, ("kind", "object_id", "action", "at"), [("person", 9, "save", AT)]
    )
    assert ChangeLogEntry.objects.get(kind="person", object_id=9).action == "save"
