from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cases.models import Case, ChargeDocument
from casetracker.partialdate import PartialDate
from tests.factories import CaseFactory, ChargeDocumentFactory, HearingFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_an_individual_case_without_a_person_is_refused_by_the_database(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            title="x", kind="individual", country="IN", status="detained", owner=org_a
        )


def test_a_month_precision_date_not_on_the_first_is_refused_by_the_database():
    case = CaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            detained_since=dt.date(2016, 9, 17), detained_since_precision=2
        )


def test_a_case_has_at_most_one_current_charge_document():
    case = CaseFactory()
    ChargeDocumentFactory(case=case, is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChargeDocumentFactory(case=case, is_current=True, kind=ChargeDocument.Kind.CHARGE_SHEET)


def test_a_hearing_time_needs_an_exact_day():
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingFactory(date=dt.date(2022, 1, 1), date_precision=2, time=dt.time(10, 0))


def test_the_partial_date_accessor_round_trips_through_the_model():
    case = CaseFactory(person=PersonFactory())
    case.detained_since_partial = PartialDate.month(2016, 9, as_written="In September 2016")
    case.save()
    case.refresh_from_db()
    assert case.detained_since_partial == PartialDate.month(2016, 9)
    assert case.detained_since_as_written == "In September 2016"


def test_days_detained_is_a_range_when_the_start_is_month_only():
    case = CaseFactory()
    case.detained_since_partial = PartialDate.month(2016, 9)
    assert str(case.days_detained(today=dt.date(2022, 11, 21))) == "≈ 2,243–2,272 days"


def test_days_detained_is_none_for_a_released_case_without_a_release_date():
    case = CaseFactory(status=Case.Status.RELEASED)
    assert case.days_detained(today=dt.date(2022, 1, 1)) is None
