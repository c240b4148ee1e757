"""chronology_import: a parsed chronology written into a case through the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import (
    Case,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from cases.services import record_mark_edited
from casetracker.fields import Tier
from seeds.chronology_loader import ChronologyImportError, chronology_import
from tests.factories import CaseFactory, ChargeDocumentFactory

KHURRAM = Path(__file__).resolve().parents[2] / "seeds" / "texts" / "khurram_parvez_chronology.txt"
NOW = timezone.make_aware(dt.datetime(2023, 1, 1, 12, 0))
RECORD_MODELS = [Source, TimelineEvent, ChargeDocument, Charge, Hearing, Detention, ReviewItem]


@pytest.fixture
def text() -> str:
    return KHURRAM.read_text(encoding="utf-8")


@pytest.fixture
def case(db) -> Case:
    return CaseFactory(person__primary_name="Fake Defender", tier=Tier.INTERNAL)


def snapshot(case: Case) -> dict[str, list[tuple]]:
    return {
        m.__name__: list(m.objects.filter(case=case).order_by("pk").values_list())
        for m in RECORD_MODELS
    }


def test_it_writes_entries_charges_hearings_detentions_and_warnings(case, text):
    report = chronology_import(case=case, text=text, source_title="Khurram chronology", now=NOW)
    assert report.count("timeline events", "created") == len(report.result.entries) == 20
    assert report.count("charges", "created") == 17
    assert report.count("hearings", "created") == 7
    assert report.count("detentions", "created") == 4
    assert report.count("review items", "created") == 3
    assert report.count("sources", "created") == 1
    source = Source.objects.get(case=case)
    assert source.title == "Khurram chronology"
    assert TimelineEvent.objects.filter(case=case, source=source).count() == 20


def test_events_keep_date_precision_as_written_line_and_fingerprint(case, text):
    chronology_import(case=case, text=text, now=NOW)
    psa = TimelineEvent.objects.get(case=case, line=7, type="arrest")
    assert (psa.date_partial.iso(), psa.date_partial.precision.label) == ("2016-09", "month")
    assert psa.date_as_written == "September 2016"
    odd = TimelineEvent.objects.get(case=case, line=27)
    assert odd.date == dt.date(2021, 1, 24)  # as written; flagged by a review item
    assert all(len(e.fingerprint) == 64 for e in TimelineEvent.objects.filter(case=case))


def test_charges_are_grouped_into_dated_documents_the_latest_current(case, text):
    chronology_import(case=case, text=text, now=NOW)
    memo = ChargeDocument.objects.get(case=case, kind="arrest_memo")
    sheet = ChargeDocument.objects.get(case=case, kind="charge_sheet")
    assert (memo.date, memo.is_current) == (dt.date(2021, 11, 22), False)
    assert (sheet.date, sheet.is_current) == (dt.date(2022, 5, 13), True)
    assert [c.section for c in memo.charges.all()] == [
        "120B", "121", "121A", "17", "18", "18B", "38", "40"
    ]  # fmt: skip
    assert [c.position for c in sheet.charges.all()] == list(range(1, 9))
    assert set(sheet.charges.values_list("status", flat=True)) == {"filed"}
    assert set(memo.charges.values_list("status", flat=True)) == {"alleged"}
    loose = Charge.objects.get(case=case, document=None)
    assert loose.law == "Jammu and Kashmir Public Safety Act"


def test_a_later_current_charge_list_of_the_case_stays_current(case, text):
    later = ChargeDocumentFactory(case=case, kind="indictment", date=dt.date(2023, 6, 1))
    ChargeDocument.objects.filter(pk=later.pk).update(is_current=True)
    chronology_import(case=case, text=text, now=NOW)
    assert list(ChargeDocument.objects.filter(case=case, is_current=True)) == [later]


def test_custody_extensions_are_remand_hearings_with_days_and_end(case, text):
    chronology_import(case=case, text=text, now=NOW)
    remands = Hearing.objects.filter(case=case, kind=Hearing.Kind.REMAND)
    got = {(h.date.isoformat(), h.custody_days, h.custody_until) for h in remands}
    assert ("2021-12-25", 30, dt.date(2022, 1, 21)) in got
    assert ("2022-03-24", 50, dt.date(2022, 5, 13)) in got
    assert len(got) == 5
    assert set(Hearing.objects.filter(case=case).values_list("status", flat=True)) == {"held"}


def test_a_hearing_dated_after_now_is_scheduled(case):
    chronology_import(case=case, text="3 March 2023: Hearing at the Special Court.", now=NOW)
    assert Hearing.objects.get(case=case).status == Hearing.Status.SCHEDULED


def test_the_tihar_transfer_gets_a_facility_once(case, text):
    chronology_import(case=case, text=text, now=NOW)
    other = CaseFactory(person__primary_name="Other Fake Defender")
    chronology_import(case=other, text=text, now=NOW)
    tihar = Facility.objects.get(name="Tihar")
    assert (tihar.city, tihar.country, tihar.kind) == ("New Delhi", "IN", "prison")
    assert Detention.objects.filter(facility=tihar).count() == 2
    psa = Detention.objects.get(case=case, type="administrative")
    assert psa.legal_basis == "Jammu and Kashmir Public Safety Act"


def test_warnings_become_open_review_items(case, text):
    chronology_import(case=case, text=text, now=NOW)
    items = ReviewItem.objects.filter(case=case).order_by("line")
    assert [(i.kind, i.line, i.as_written, i.suggestion, i.status) for i in items] == [
        ("arithmetic", 24, "21 January 2022", "2022-01-24", "open"),
        ("out_of_sequence", 27, "24 January 2021", "2022-01-24", "open"),
        ("anniversary_mismatch", 45, "21 November 2022", "2022-11-22", "open"),
    ]
    assert "25 December 2021" in items[1].message


def test_reimporting_the_same_text_creates_nothing_and_changes_nothing(case, text):
    first = chronology_import(case=case, text=text, now=NOW)
    before = snapshot(case)
    again = chronology_import(case=case, text=text, now=NOW)
    assert again.total("created") == again.total("updated") == 0
    assert again.total("unchanged") == first.total("created") + first.total("unchanged")
    assert snapshot(case) == before


def test_an_edited_entry_is_kept_on_reimport(case, text):
    chronology_import(case=case, text=text, now=NOW)
    event = TimelineEvent.objects.get(case=case, line=33)
    event.summary = "Caseworker: raid confirmed by the family."
    event.save()
    record_mark_edited(record=event)
    report = chronology_import(case=case, text=text, now=NOW)
    event.refresh_from_db()
    assert event.summary == "Caseworker: raid confirmed by the family."
    assert report.count("timeline events", "kept_edited") == 1


def test_an_unedited_row_changed_by_hand_is_restored(case, text):
    chronology_import(case=case, text=text, now=NOW)
    TimelineEvent.objects.filter(case=case, line=33).update(summary="tampered")
    report = chronology_import(case=case, text=text, now=NOW)
    assert report.count("timeline events", "updated") == 1
    assert TimelineEvent.objects.get(case=case, line=33).summary.startswith("The NIA carried")


def test_a_resolved_review_item_is_not_reopened(case, text):
    chronology_import(case=case, text=text, now=NOW)
    ReviewItem.objects.filter(case=case, line=27).update(status="resolved")
    chronology_import(case=case, text=text, now=NOW)
    assert ReviewItem.objects.get(case=case, line=27).status == "resolved"


def test_a_line_pasted_twice_gives_two_rows_and_reimports_cleanly(case):
    text = "1 May 2022: He was arrested.\n1 May 2022: He was arrested.\n"
    chronology_import(case=case, text=text, now=NOW)
    assert TimelineEvent.objects.filter(case=case).count() == 2
    again = chronology_import(case=case, text=text, now=NOW)
    assert again.total("created") == again.total("updated") == 0


def test_a_dry_run_writes_nothing_but_reports_what_it_would_do(case, text):
    report = chronology_import(case=case, text=text, now=NOW, dry_run=True)
    assert report.dry_run and report.count("timeline events", "created") == 20
    assert all(not rows for rows in snapshot(case).values())
    assert not Facility.objects.exists()


@pytest.mark.parametrize("bad", ["", "  \n\t", "\ufeff"])
def test_empty_text_is_a_clear_error_and_writes_nothing(case, bad):
    with pytest.raises(ChronologyImportError, match="cannot be read: the text is empty"):
        chronology_import(case=case, text=bad, now=NOW)
    assert all(not rows for rows in snapshot(case).values())


def test_text_with_no_dated_entry_imports_only_its_source(case):
    report = chronology_import(case=case, text="Nothing dated here at all.", now=NOW)
    assert report.result.entries == ()
    assert report.count("timeline events", "created") == 0


def test_rows_default_to_internal_and_follow_a_restricted_case(case, text):
    chronology_import(case=case, text=text, now=NOW)
    assert set(TimelineEvent.objects.filter(case=case).values_list("tier", flat=True)) == {
        "internal"
    }
    secret = CaseFactory(person__primary_name="Secret Fake", tier=Tier.RESTRICTED)
    chronology_import(case=secret, text=text, now=NOW)
    assert set(ReviewItem.objects.filter(case=secret).values_list("tier", flat=True)) == {
        "restricted"
    }


def test_a_validation_failure_rolls_everything_back(case, monkeypatch):
    from cases import services

    values = services.review_item_values

    def broken(**kwargs):  # the last kind written gets a value its model rejects
        return {**values(**kwargs), "kind": "boom"}

    monkeypatch.setattr(services, "review_item_values", broken)
    text = "25 December 2021: Judicial custody extended for 30 days until 21 January 2022."
    with pytest.raises(ChronologyImportError, match="cannot be saved: kind: Value 'boom'"):
        chronology_import(case=case, text=text, now=NOW)
    assert all(not rows for rows in snapshot(case).values())
