"""The set-based import write path keeps the audit trail and the change feed complete."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.changefeed import kind_of
from cases.models import (
    Case,
    ChangeLogEntry,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from casetracker import audit
from casetracker.fields import Tier
from people.models import AuditEntry
from seeds.bench_chronology import synthetic_chronology
from seeds.chronology_loader import chronology_import
from tests.factories import CaseFactory

KHURRAM = Path(__file__).resolve().parents[2] / "seeds" / "texts" / "khurram_parvez_chronology.txt"
NOW = timezone.make_aware(dt.datetime(2023, 1, 1, 12, 0))
CASE_RECORDS = [Source, TimelineEvent, ChargeDocument, Charge, Hearing, Detention, ReviewItem]

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> Case:
    return CaseFactory(person__primary_name="Fake Defender", tier=Tier.INTERNAL)


def audit_creates(after_id: int) -> Counter:
    rows = AuditEntry.objects.filter(pk__gt=after_id, action="create")
    return Counter((r.model, r.object_id) for r in rows)


def test_every_created_record_gets_one_audit_row_and_one_change_log_entry(case):
    audit_mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    feed_mark = ChangeLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with audit.system_actor("test_import"):
        report = chronology_import(case=case, text=KHURRAM.read_text("utf-8"), now=NOW)
    assert report.total("created") > 50

    created = {
        (m._meta.label_lower, str(pk))
        for m in [*CASE_RECORDS, Facility]
        for pk in (
            m.objects.filter(case=case) if m is not Facility else m.objects.all()
        ).values_list("pk", flat=True)
    }
    assert len(created) == report.total("created")
    creates = audit_creates(audit_mark)
    assert set(creates) == created and set(creates.values()) == {1}
    writes = AuditEntry.objects.filter(pk__gt=audit_mark)
    assert set(writes.values_list("username", flat=True)) == {"system:test_import"}
    assert not writes.exclude(action="create").exists()
    assert all(r.case_id == case.pk for r in writes.exclude(model="cases.facility"))

    feed = Counter(
        (e.kind, e.object_id, e.action) for e in ChangeLogEntry.objects.filter(pk__gt=feed_mark)
    )
    for model in CASE_RECORDS:
        kind = kind_of(model)
        for pk in model.objects.filter(case=case).values_list("pk", flat=True):
            expected = 1 if kind else 0
            assert feed[(kind, pk, "save")] == expected, (model, pk)
    assert feed[("case", case.pk, "save")] >= 1
    logged_kinds = {k for k, _, _ in feed}
    assert logged_kinds == {"case", "source", "event", "charge", "hearing", "detention"}


def test_a_reimport_writes_no_audit_row_and_no_change_log_entry(case):
    text = KHURRAM.read_text("utf-8")
    chronology_import(case=case, text=text, now=NOW)
    audit_count, feed_count = AuditEntry.objects.count(), ChangeLogEntry.objects.count()
    again = chronology_import(case=case, text=text, now=NOW)
    assert again.total("created") == again.total("updated") == 0
    assert AuditEntry.objects.count() == audit_count
    assert ChangeLogEntry.objects.count() == feed_count


def test_an_updated_record_gets_a_bulk_update_audit_row_and_a_change_log_entry(case):
    text = KHURRAM.read_text("utf-8")
    chronology_import(case=case, text=text, now=NOW)
    event = TimelineEvent.objects.get(case=case, line=33)
    TimelineEvent.objects.filter(pk=event.pk).update(summary="tampered")
    stamp = TimelineEvent.objects.get(pk=event.pk).updated_at
    audit_mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    feed_mark = ChangeLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    report = chronology_import(case=case, text=text, now=NOW)

    assert report.total("updated") == 1 and report.total("created") == 0
    event.refresh_from_db()
    assert event.summary != "tampered" and event.updated_at > stamp
    (row,) = AuditEntry.objects.filter(pk__gt=audit_mark)
    assert (row.action, row.model, row.object_id) == (
        "bulk_update",
        "cases.timelineevent",
        str(event.pk),
    )
    assert row.changes == {"summary": ["tampered", event.summary]}
    feed = set(ChangeLogEntry.objects.filter(pk__gt=feed_mark).values_list("kind", "object_id"))
    assert feed == {("event", event.pk), ("case", case.pk)}


@pytest.mark.parametrize("current_first", [False, True])
def test_batched_charge_documents_match_one_call_per_row(current_first):
    """The case's current list "x" is in the batch, not current any more; "c" is."""
    from cases import services

    def run(write) -> list[str]:
        case = CaseFactory(person__primary_name="Fake Docs", tier=Tier.INTERNAL)
        old = services.charge_document_upsert(
            case=case, kind="fir", fingerprint="x", is_current=True
        ).obj
        rows = [("x", {"kind": "fir"}), ("c", {"kind": "charge_sheet", "is_current": True})]
        outcomes = write(case, rows[::-1] if current_first else rows)
        old.refresh_from_db()
        current = ChargeDocument.objects.filter(case=case, is_current=True)
        assert not old.is_current
        assert list(current.values_list("fingerprint", flat=True)) == ["c"]
        return outcomes

    def per_row(case, rows):
        return [
            str(services.charge_document_upsert(case=case, fingerprint=fp, **kw).outcome)
            for fp, kw in rows
        ]

    def batched(case, rows):
        rows = [(fp, services.charge_document_values(**kw)) for fp, kw in rows]
        return [str(r.outcome) for r in services.charge_documents_upsert(case=case, rows=rows)]

    expected = ["created", "unchanged"] if current_first else ["updated", "created"]
    assert run(per_row) == expected
    assert run(batched) == expected


def test_the_query_count_does_not_grow_with_the_number_of_entries(case):
    def queries(entries: int) -> int:
        target = CaseFactory(person__primary_name="Fake Bulk", tier=Tier.INTERNAL)
        with CaptureQueriesContext(connection) as ctx:
            chronology_import(case=target, text=synthetic_chronology(entries, 7), now=NOW)
        return len(ctx.captured_queries)

    small, large = queries(40), queries(400)
    # Per-row writes took ~25 queries per entry; set-based writes grow only with the
    # number of distinct facilities and the insert batches, not with the entries.
    assert large < small + 20, (small, large)
