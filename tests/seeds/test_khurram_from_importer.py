"""Khurram Parvez's chronology in the seed data is produced by the importer from the raw
text, and equals the curated reference record (fixtures/khurram_parvez_expected.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.db import transaction

from cases.models import (
    Case,
    Charge,
    ChargeDocument,
    Detention,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from seeds.loader import load_seeds

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = yaml.safe_load((ROOT / "fixtures" / "khurram_parvez_expected.yaml").read_text())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_seeds()
        transaction.set_rollback(True)


@pytest.fixture
def rows(seeded, db) -> dict:
    """The Khurram case's rows whose source is the chronology text, as plain lists."""
    case = Case.objects.get(reference="seed-in-khurram-parvez")
    source = Source.objects.get(case=case, seed_document=EXPECTED["source"])

    def of(model):
        return model.objects.filter(case=case, source=source)

    return {
        "events": sorted(
            [
                e.line,
                e.date_partial.iso(),
                e.date_partial.precision.label,
                e.date_approximate,
                e.date_as_written,
                e.type,
            ]
            for e in of(TimelineEvent)
        ),
        "charge_documents": [
            {
                "kind": d.kind,
                "date": d.date_partial.iso(),
                "as_written": d.date_as_written,
                "title": d.title,
                "current": d.is_current,
                "charges": [
                    [c.law, c.section, c.description, c.status]
                    for c in d.charges.order_by("position")
                ],
            }
            for d in of(ChargeDocument).order_by("date")
        ],
        "charges": [
            [c.law, c.section, c.description, c.status] for c in of(Charge).filter(document=None)
        ],
        "hearings": [
            [
                h.date.isoformat(),
                h.date_as_written,
                h.kind,
                h.court,
                h.status,
                h.custody_days,
                h.custody_until.isoformat() if h.custody_until else None,
            ]
            for h in of(Hearing).order_by("date")
        ],
        "detentions": [
            [
                d.type,
                d.start_partial.iso(),
                d.start_as_written,
                [d.facility.name, d.facility.city, d.facility.country.code, d.facility.kind]
                if d.facility
                else None,
                d.place,
                d.legal_basis,
            ]
            for d in of(Detention).select_related("facility").order_by("start", "id")
        ],
        "review_items": [
            [i.kind, i.line, i.as_written, i.suggestion, i.status]
            for i in of(ReviewItem).order_by("line")
        ],
    }


@pytest.mark.parametrize(
    "part", ["events", "charge_documents", "charges", "hearings", "detentions", "review_items"]
)
def test_the_imported_khurram_record_equals_the_curated_reference(rows, part):
    expected = EXPECTED[part]
    if part == "events":
        expected = sorted(expected)
    assert rows[part] == expected


def test_nothing_else_of_the_case_comes_from_the_chronology(rows):
    case = Case.objects.get(reference="seed-in-khurram-parvez")
    source = Source.objects.get(case=case, seed_document=EXPECTED["source"])
    assert TimelineEvent.objects.filter(case=case).exclude(source=source).count() == 1
    assert Hearing.objects.filter(case=case).exclude(source=source).count() == 1
    for model in (ChargeDocument, Charge, Detention, ReviewItem):
        assert not model.objects.filter(case=case).exclude(source=source).exists(), model


def test_the_reference_is_the_importers_work_not_yaml_rows(rows):
    # Every chronology row carries the importer's fingerprint, derived from the text.
    case = Case.objects.get(reference="seed-in-khurram-parvez")
    events = TimelineEvent.objects.filter(case=case, source__seed_document=EXPECTED["source"])
    arrest = events.get(line=12, type="arrest")
    assert arrest.summary.startswith("Officials from the National Investigation Agency")
    assert len({e.fingerprint for e in events}) == len(EXPECTED["events"]) == 20
