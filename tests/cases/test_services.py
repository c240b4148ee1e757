"""Write services: idempotent upserts, edited rows preserved, validation as ValidationError."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Signatory
from campaigns.services import (
    campaign_upsert,
    country_rating_upsert,
    signatories_upsert_many,
    signatory_upsert,
)
from cases.models import Case, ChargeDocument, Hearing, ReviewItem, TimelineEvent
from cases.services import (
    case_upsert,
    charge_document_upsert,
    charge_upsert,
    detention_upsert,
    facility_get_or_create,
    hearing_upsert,
    record_mark_edited,
    review_item_upsert,
    source_upsert,
    timeline_event_upsert,
)
from casetracker.partialdate import PartialDate
from casetracker.upserts import Outcome
from people.services import affiliation_upsert, organisation_upsert, person_upsert
from tests.factories import CaseFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ARREST = PartialDate.day(2021, 11, 22, as_written="22 November 2021")


@pytest.fixture
def case():
    return CaseFactory()


def _event(case, **kw):
    values = {
        "case": case,
        "fingerprint": "fp-arrest",
        "date": ARREST,
        "type": "arrest",
        "summary": "Arrested at home (fake).",
        "line": 12,
    }
    return timeline_event_upsert(**(values | kw))


def test_an_upsert_creates_then_finds_the_same_row(case):
    first = _event(case)
    second = _event(case)
    assert first.outcome == Outcome.CREATED
    assert second.outcome == Outcome.UNCHANGED
    assert second.obj.pk == first.obj.pk
    assert TimelineEvent.objects.count() == 1


def test_an_unchanged_upsert_writes_nothing(case):
    obj = _event(case).obj
    stamp = TimelineEvent.objects.get(pk=obj.pk).updated_at
    _event(case)
    assert TimelineEvent.objects.get(pk=obj.pk).updated_at == stamp


def test_a_changed_upsert_updates_in_place(case):
    obj = _event(case).obj
    result = _event(case, summary="Arrested at night (fake).")
    assert result.outcome == Outcome.UPDATED
    obj.refresh_from_db()
    assert obj.summary == "Arrested at night (fake)."


def test_a_changed_as_written_counts_as_a_change(case):
    _event(case)
    result = _event(case, date=PartialDate.day(2021, 11, 22, as_written="22.11.2021"))
    assert result.outcome == Outcome.UPDATED
    assert result.obj.date_as_written == "22.11.2021"


def test_partial_dates_are_stored_with_their_precision(case):
    obj = _event(case, fingerprint="fp-2016", date=PartialDate.month(2016, 9)).obj
    obj.refresh_from_db()
    assert obj.date == dt.date(2016, 9, 1)
    assert obj.date_partial.precision.label == "month"


def test_an_edited_row_is_never_overwritten(case):
    obj = _event(case).obj
    record_mark_edited(record=obj)
    result = _event(case, summary="Importer's different wording.")
    assert result.outcome == Outcome.KEPT_EDITED
    obj.refresh_from_db()
    assert obj.summary == "Arrested at home (fake)."
    assert obj.edited


def test_rows_without_a_fingerprint_are_always_new(case):
    _event(case, fingerprint="")
    _event(case, fingerprint="")
    assert TimelineEvent.objects.filter(case=case).count() == 2


def test_the_same_fingerprint_on_another_case_is_another_row(case):
    _event(case)
    _event(CaseFactory())
    assert TimelineEvent.objects.count() == 2


def test_validation_errors_surface_as_validation_error(case):
    with pytest.raises(ValidationError) as err:
        _event(case, type="coffee")
    assert "type" in err.value.message_dict
    assert not TimelineEvent.objects.exists()


def test_a_group_case_without_a_name_is_rejected():
    owner = OrganisationFactory()
    with pytest.raises(ValidationError):
        case_upsert(
            reference="fake-group",
            title="Fake group",
            kind=Case.Kind.GROUP,
            country="IN",
            status="detained",
            owner=owner,
        )


def test_case_upsert_is_keyed_on_reference():
    owner = OrganisationFactory()
    person = person_upsert(primary_name="Testy Detainee").obj
    kw = {
        "reference": "fake-1",
        "title": "Testy",
        "country": "IN",
        "owner": owner,
        "person": person,
    }
    first = case_upsert(**kw, status="detained", detained_since=ARREST)
    again = case_upsert(**kw, status="detained", detained_since=ARREST)
    moved = case_upsert(**kw, status="released", detained_since=ARREST)
    assert (first.created, again.outcome, moved.outcome) == (True, "unchanged", "updated")
    assert Case.objects.get(reference="fake-1").status == "released"


def test_making_a_charge_document_current_demotes_the_previous_one(case):
    memo = charge_document_upsert(
        case=case, kind="arrest_memo", date=ARREST, fingerprint="memo", is_current=True
    ).obj
    sheet = charge_document_upsert(
        case=case,
        kind="charge_sheet",
        date=PartialDate.day(2022, 5, 13),
        fingerprint="sheet",
        is_current=True,
    ).obj
    memo.refresh_from_db()
    assert not memo.is_current
    assert ChargeDocument.objects.get(case=case, is_current=True) == sheet
    result = charge_upsert(
        case=case, document=sheet, law="Fake Code", section="1", position=1, fingerprint="c1"
    )
    assert result.created and result.obj.document == sheet


def test_hearing_upsert_links_the_next_hearing(case):
    later = hearing_upsert(case=case, date=PartialDate.day(2022, 1, 21), fingerprint="h2").obj
    result = hearing_upsert(
        case=case,
        date=PartialDate.day(2021, 12, 25),
        kind=Hearing.Kind.REMAND,
        custody_days=30,
        custody_until=dt.date(2022, 1, 21),
        next_hearing=later,
        fingerprint="h1",
    )
    assert result.obj.next_hearing == later
    assert (
        hearing_upsert(
            case=case,
            date=PartialDate.day(2021, 12, 25),
            kind=Hearing.Kind.REMAND,
            custody_days=30,
            custody_until=dt.date(2022, 1, 21),
            next_hearing=later,
            fingerprint="h1",
        ).outcome
        == Outcome.UNCHANGED
    )


def test_an_unknown_time_zone_is_a_validation_error(case):
    with pytest.raises(ValidationError):
        hearing_upsert(case=case, date=ARREST, timezone="Mars/Olympus", fingerprint="h")


def test_facilities_are_found_not_duplicated():
    first = facility_get_or_create(name="Fake Prison", city="Nowhere", country="IN")
    second = facility_get_or_create(name="Fake Prison", city="Nowhere", country="IN")
    assert first.created and not second.created and first.obj == second.obj


def test_detention_end_before_start_is_rejected(case):
    with pytest.raises(ValidationError):
        detention_upsert(
            case=case,
            type="pre_trial",
            start=PartialDate.day(2021, 12, 4),
            end=PartialDate.day(2021, 12, 1),
            fingerprint="d",
        )


def test_a_reimport_never_reopens_a_resolved_review_item(case):
    kw = {"case": case, "kind": "arithmetic", "message": "Dates do not add up.", "line": 24}
    item = review_item_upsert(**kw, fingerprint="r").obj
    ReviewItem.objects.filter(pk=item.pk).update(status="resolved")
    assert review_item_upsert(**kw, fingerprint="r").outcome == Outcome.UNCHANGED
    item.refresh_from_db()
    assert item.status == "resolved"


def test_source_upsert_is_idempotent(case):
    kw = {"case": case, "title": "Fake statement", "fingerprint": "s", "tier": "public"}
    assert source_upsert(**kw).created
    assert source_upsert(**kw).outcome == Outcome.UNCHANGED


def test_person_upsert_adds_aliases_once_and_keeps_hand_added_ones():
    person = person_upsert(primary_name="Testy Detainee", country="IN", aliases=["Testy"]).obj
    person.aliases.create(name="T. Detainee")
    again = person_upsert(primary_name="Testy Detainee", country="IN", aliases=["Testy"])
    assert again.outcome == Outcome.UNCHANGED and again.obj == person
    assert set(person.aliases.values_list("name", flat=True)) == {"Testy", "T. Detainee"}
    more = person_upsert(primary_name="Testy Detainee", country="IN", aliases=["Tes"])
    assert more.outcome == Outcome.UPDATED


def test_person_upsert_rejects_unknown_roles():
    with pytest.raises(ValidationError):
        person_upsert(primary_name="Testy Detainee", roles=["spy"])


def test_organisation_and_affiliation_upserts_are_idempotent():
    org = organisation_upsert(name="Fake Coalition", acronym="FC", kind="network").obj
    assert organisation_upsert(name="Fake Coalition", acronym="FC", kind="network").outcome == (
        Outcome.UNCHANGED
    )
    person = person_upsert(primary_name="Testy Detainee").obj
    first = affiliation_upsert(person=person, organisation=org, role="Coordinator")
    second = affiliation_upsert(person=person, organisation=org, role="Coordinator")
    assert first.created and second.outcome == Outcome.UNCHANGED


def test_organisation_with_an_unknown_kind_is_rejected():
    with pytest.raises(ValidationError):
        organisation_upsert(name="Fake Org", kind="cartel")


def test_campaign_upsert_sets_linked_cases_and_counts_anonymous_signatories(case):
    owner = OrganisationFactory()
    kw = {"slug": "fake-campaign", "title": "Fake", "owner": owner, "cases": [case]}
    first = campaign_upsert(**kw, anonymous_signatory_count=3)
    again = campaign_upsert(**kw, anonymous_signatory_count=3)
    assert first.created and again.outcome == Outcome.UNCHANGED
    assert list(first.obj.cases.all()) == [case]
    assert first.obj.anonymous_signatory_count == 3


def test_signatories_are_keyed_on_name_and_bulk_upsert_matches_single(case):
    campaign = campaign_upsert(slug="fake", title="Fake", owner=OrganisationFactory()).obj
    signatory_upsert(campaign=campaign, name="Fake NGO 1", position=1)
    results = signatories_upsert_many(
        campaign=campaign,
        entries=[{"name": "Fake NGO 1", "position": 1}, {"name": "ဖွံ့ဖြိုးရေး", "position": 2}],
    )
    assert [r.outcome for r in results] == [Outcome.UNCHANGED, Outcome.CREATED]
    assert Signatory.objects.filter(campaign=campaign).count() == 2


def test_a_blank_or_duplicated_signatory_is_a_validation_error():
    campaign = campaign_upsert(slug="fake", title="Fake", owner=OrganisationFactory()).obj
    with pytest.raises(ValidationError):
        signatories_upsert_many(campaign=campaign, entries=[{"name": ""}])
    with pytest.raises(ValidationError):
        signatories_upsert_many(campaign=campaign, entries=[{"name": "A"}, {"name": "A"}])
    assert not Signatory.objects.exists()


def test_country_rating_upsert_is_idempotent():
    kw = {"country": "IN", "rating": "repressed", "date": PartialDate.year(2022)}
    assert country_rating_upsert(**kw).created
    assert country_rating_upsert(**kw).outcome == Outcome.UNCHANGED
