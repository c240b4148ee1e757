"""load_seeds: idempotent, complete for Khurram Parvez, faithful to the printed lists."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

from campaigns.models import Campaign, CountryRating, Signatory
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
from people.models import Affiliation, Organisation, Person, PersonAlias
from seeds.loader import load_seeds

KHURRAM = "seed-in-khurram-parvez"
ALL_MODELS = [
    Organisation,
    Person,
    PersonAlias,
    Affiliation,
    Case,
    Source,
    TimelineEvent,
    ChargeDocument,
    Charge,
    Hearing,
    Detention,
    Facility,
    ReviewItem,
    Campaign,
    Signatory,
    CountryRating,
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Load the seeds once for this module, inside a transaction rolled back at the end.

    Each test runs in its own savepoint within it (pytest-django's ``db``), like
    Django's ``TestCase.setUpTestData``; nothing leaks into other test modules.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        counts = load_seeds()
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def khurram(seeded, db) -> Case:
    return Case.objects.get(reference=KHURRAM)


def snapshot() -> dict[str, list[tuple]]:
    """Every column of every row the loader writes, in primary-key order."""
    return {m.__name__: list(m.objects.order_by("pk").values_list()) for m in ALL_MODELS}


def test_first_run_creates_the_seed_rows(seeded):
    assert seeded.total("created") > 1000
    assert seeded.total("updated") == 0


def test_second_run_creates_nothing_and_changes_nothing(seeded, db):
    before = snapshot()
    counts = load_seeds()
    assert counts.total("created") == 0
    assert counts.total("updated") == 0
    assert counts.total("unchanged") == seeded.total("created") + seeded.total("unchanged")
    after = snapshot()
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before  # includes every updated_at


def test_at_least_55_cases_each_with_country_status_and_a_dated_event(seeded, db):
    cases = Case.objects.filter(reference__startswith="seed-").annotate(
        dated=Count("timelineevents", filter=Q(timelineevents__date__isnull=False))
    )
    assert cases.count() >= 55
    for case in cases:
        assert case.country, case.reference
        assert case.status in Case.Status.values, case.reference
        assert case.dated >= 1, case.reference


def test_seed_cases_are_public_owned_by_civicus_with_consent_by_publication(seeded, db):
    civicus = Organisation.objects.get(acronym="CIVICUS")
    assert civicus.is_member
    for case in Case.objects.filter(reference__startswith="seed-").prefetch_related("sources"):
        assert case.owner_id == civicus.pk
        assert case.tier == "public"
        assert case.consent == Case.Consent.PUBLIC
        assert case.consent_given_by == Case.ConsentBy.PUBLICATION
        assert case.sources.first().article_title in case.consent_note
        assert case.publicly_exposable


def test_group_cases_carry_a_name_and_size(seeded, db):
    ethiopia = Case.objects.get(reference="seed-et-journalists-since-19-may")
    assert ethiopia.kind == Case.Kind.GROUP
    assert ethiopia.person is None
    assert ethiopia.group_size == 11
    assert "since 19 May" in ethiopia.group_name


def test_nicknames_are_aliases(seeded, db):
    tawan = Person.objects.get(primary_name="Tantawan Tuatulanon")
    assert {"Tawan", "Tantawan 'Tawan' Tuatulanon"} <= set(
        tawan.aliases.values_list("name", flat=True)
    )


# -- Khurram Parvez -------------------------------------------------------------------------
# (line in khurram_parvez_chronology.txt, date ISO, precision, type). Written by the
# chronology importer from the text; the full reference is fixtures/khurram_parvez_expected
# .yaml (tests/seeds/test_khurram_from_importer.py compares every field).
KHURRAM_CHRONOLOGY = [
    (7, "2016-09", "month", "arrest"),
    (7, "2016-09", "month", "travel_ban"),
    (9, "2020-10", "month", "raid"),
    (12, "2021-11-22", "day", "raid"),
    (12, "2021-11-22", "day", "arrest"),
    (16, "2021-11-24", "day", "transfer"),
    (18, "2021-11-30", "day", "hearing"),
    (20, "2021-12-02", "day", "statement"),
    (22, "2021-12-04", "day", "custody_extension"),
    (22, "2021-12-04", "day", "transfer"),
    (24, "2021-12-25", "day", "custody_extension"),
    (27, "2021-01-24", "day", "custody_extension"),  # as written; see the review item
    (29, "2022-02-12", "day", "custody_extension"),
    (31, "2022-03-24", "day", "custody_extension"),
    (33, "2022-03-27", "day", "raid"),
    (35, "2022-05-13", "day", "charge_sheet"),
    (39, "2022-06-21", "day", "statement"),
    (41, "2022-07-06", "day", "hearing"),
    (43, "2022-11-16", "day", "statement"),
    (45, "2022-11-21", "day", "anniversary"),
]


def test_khurram_chronology_is_complete(khurram):
    events = TimelineEvent.objects.filter(
        case=khurram, source__seed_document="seeds/texts/khurram_parvez_chronology.txt"
    )
    got = sorted(
        (e.line, e.date_partial.iso(), e.date_partial.precision.label, e.type) for e in events
    )
    assert got == sorted(KHURRAM_CHRONOLOGY)
    assert all(e.tier == "public" and e.fingerprint for e in events)


def test_khurram_event_dates_keep_the_words_of_the_source(khurram):
    psa = TimelineEvent.objects.get(case=khurram, type="arrest", date__year=2016)
    assert psa.date_as_written == "September 2016"
    odd = TimelineEvent.objects.get(case=khurram, line=27)
    assert odd.date == dt.date(2021, 1, 24)
    assert odd.date_as_written == "24 January 2021"


def test_khurram_hearing_of_21_january_2022_comes_from_another_statement(khurram):
    hearing = Hearing.objects.get(case=khurram, date=dt.date(2022, 1, 21))
    assert hearing.source.article_title.startswith("India: Release human rights defender")
    assert hearing.status == Hearing.Status.SCHEDULED
    # The chronology's 25 December 2021 remand runs custody to that date.
    set_by = Hearing.objects.get(case=khurram, date=dt.date(2021, 12, 25))
    assert set_by.custody_until == hearing.date


def _charges(doc: ChargeDocument) -> list[tuple[str, str, str]]:
    return [(c.law.split(" (")[0], c.section, c.description) for c in doc.charges.all()]


IPC, UAPA = "Indian Penal Code", "Unlawful Activities"


def test_khurram_arrest_memo_charges_are_paired_by_position(khurram):
    memo = ChargeDocument.objects.get(case=khurram, kind="arrest_memo")
    assert memo.date == dt.date(2021, 11, 22)
    assert not memo.is_current
    assert _charges(memo) == [
        (IPC, "120B", "criminal conspiracy"),
        (IPC, "121", "waging war against the government of India"),
        (IPC, "121A", "punishment for conspiracy to wage war against the government of India"),
        (UAPA, "17", "raising funds for terror activities"),
        (UAPA, "18", "punishment for conspiracy"),
        (UAPA, "18B", "recruiting any person or persons for commission of a terrorist act"),
        (UAPA, "38", "offence relating to membership of a terrorist organisation"),
        (UAPA, "40", "offence of raising funds for terrorist organisations"),
    ]


def test_khurram_charge_sheet_is_the_current_list(khurram):
    sheet = ChargeDocument.objects.get(case=khurram, kind="charge_sheet")
    assert sheet.date == dt.date(2022, 5, 13)
    assert sheet.is_current
    assert _charges(sheet) == [
        (IPC, "120B", "criminal conspiracy"),
        (IPC, "121A", "punishment for conspiracy to wage war against the government of India"),
        (
            "Prevention of Corruption Act",
            "8",
            "taking gratification, in order, by corrupt or illegal means, to influence public "
            "servant",
        ),
        (UAPA, "13", "unlawful activities"),
        (UAPA, "18", "conspiracy"),
        (UAPA, "18B", "recruiting any person or persons for commission of a terrorist act"),
        (UAPA, "38", "offence relating to membership of a terrorist organisation"),
        (UAPA, "39", "giving support to a terrorist organisation"),
    ]
    assert ChargeDocument.objects.filter(case=khurram, is_current=True).count() == 1


def test_khurram_custody_extensions(khurram):
    remands = Hearing.objects.filter(case=khurram, kind=Hearing.Kind.REMAND)
    assert {(h.date.isoformat(), h.custody_days, h.custody_until) for h in remands} == {
        ("2021-12-04", 20, dt.date(2021, 12, 24)),
        ("2021-12-25", 30, dt.date(2022, 1, 21)),  # as written, see the review item
        ("2021-01-24", 40, dt.date(2021, 3, 5)),  # computed from the date as written
        ("2022-02-12", 40, dt.date(2022, 3, 24)),
        ("2022-03-24", 50, dt.date(2022, 5, 13)),
    }
    first = Hearing.objects.get(case=khurram, date=dt.date(2022, 7, 6))
    assert first.kind == Hearing.Kind.TRIAL_SESSION
    assert Hearing.objects.filter(case=khurram, date=dt.date(2021, 11, 30)).exists()


def test_khurram_detentions_include_tihar_and_the_2016_psa_detention(khurram):
    tihar = Detention.objects.get(case=khurram, facility__name="Tihar")
    assert tihar.type == Detention.Type.PRE_TRIAL
    assert tihar.start == dt.date(2021, 12, 4)
    assert tihar.end is None
    assert tihar.facility.city == "New Delhi"
    psa = Detention.objects.get(case=khurram, type=Detention.Type.ADMINISTRATIVE)
    assert psa.start_partial.iso() == "2016-09"
    assert psa.start_partial.precision.label == "month"
    assert "Public Safety Act" in psa.legal_basis
    nia = Detention.objects.filter(case=khurram, type=Detention.Type.POLICE_CUSTODY)
    assert [(d.start, d.place) for d in nia.order_by("start")] == [
        (dt.date(2021, 11, 22), ""),
        (dt.date(2021, 11, 24), "New Delhi"),
    ]
    assert khurram.detained_since == dt.date(2021, 11, 22)


def test_khurram_review_items_for_the_sources_own_inconsistencies_are_open(khurram):
    items = ReviewItem.objects.filter(case=khurram).order_by("line")
    assert [(i.kind, i.line, i.suggestion, i.status) for i in items] == [
        ("arithmetic", 24, "2022-01-24", "open"),
        ("out_of_sequence", 27, "2022-01-24", "open"),
        ("anniversary_mismatch", 45, "2022-11-22", "open"),
    ]


def test_khurram_affiliations(khurram):
    roles = {(a.organisation.acronym, a.role) for a in khurram.person.affiliations.all()}
    assert roles == {("JKCCS", "Programme Coordinator"), ("AFAD", "Chairperson")}


# -- campaigns ------------------------------------------------------------------------------
def test_asean_statement_has_451_named_and_314_anonymous_signatories(seeded, db):
    campaign = Campaign.objects.get(slug="asean-myanmar-humanitarian-2022")
    assert campaign.anonymous_signatory_count == 314
    names = list(campaign.signatories.order_by("position").values_list("position", "name"))
    assert len(names) == 451
    assert [p for p, _ in names] == list(range(1, 452))
    assert names[0] == (1, "8888 Generation (New Zealand)")
    assert names[-1] == (451, "အားမာန်သစ် ဖွံ့ဖြိုးကော်မတီ")
    assert (89, "CIVICUS: World Alliance for Citizen Participations") in names  # as printed


def test_notacrime_has_its_38_signatories_and_linked_cases(seeded, db):
    campaign = Campaign.objects.get(hashtag="#NotACrime")
    assert campaign.signatories.count() == 38
    assert campaign.start == dt.date(2022, 5, 19)
    assert campaign.cases.count() == 4


def test_unnumbered_gaps_in_a_printed_list_are_not_filled(seeded, db):
    campaign = Campaign.objects.get(slug="uae-prisoners-of-conscience")
    positions = list(campaign.signatories.values_list("position", flat=True))
    assert positions == [1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14]


def test_country_ratings_stated_in_the_texts(seeded, db):
    assert CountryRating.objects.filter(country="IN", rating="repressed").exists()
    assert CountryRating.objects.filter(country="KZ", rating="repressed").exists()
    belarus = CountryRating.objects.get(country="BY")
    assert belarus.date_partial.edtf() == "202X"


# -- re-loading after caseworkers' changes --------------------------------------------------
def test_an_edited_record_is_not_overwritten_by_a_reload(khurram):
    event = TimelineEvent.objects.get(case=khurram, line=33)
    event.summary = "Caseworker: raid confirmed by family, 27 March 2022."
    event.save()
    record_mark_edited(record=event)
    counts = load_seeds()
    event.refresh_from_db()
    assert event.summary == "Caseworker: raid confirmed by family, 27 March 2022."
    assert counts[("timeline events", "kept_edited")] == 1


def test_an_unedited_record_changed_by_hand_is_restored_from_the_seed(khurram):
    event = TimelineEvent.objects.get(case=khurram, line=33)
    TimelineEvent.objects.filter(pk=event.pk).update(summary="tampered")
    counts = load_seeds()
    event.refresh_from_db()
    assert (
        event.summary == "The NIA carried out another raid of the residence of Khurram in Srinagar."
    )
    assert counts[("timeline events", "updated")] == 1


def test_a_resolved_review_item_stays_resolved_after_a_reload(khurram):
    item = ReviewItem.objects.get(case=khurram, line=27)
    ReviewItem.objects.filter(pk=item.pk).update(status="resolved", resolution="24 Jan 2022")
    load_seeds()
    item.refresh_from_db()
    assert item.status == "resolved"


def test_command_prints_counts_per_model(seeded, db):
    out = StringIO()
    call_command("load_seeds", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["created", "updated", "unchanged", "kept_edited"]
    total = next(line for line in lines if line.startswith("total")).split()
    assert total[1:3] == ["0", "0"]
    assert any(line.startswith("timeline events") for line in lines)


def test_the_command_subscribes_the_demo_campaigner_to_public_cases_once(seeded, db):
    from campaigns.models import Subscription

    call_command("load_seeds", stdout=StringIO())
    out = StringIO()
    call_command("load_seeds", stdout=out)
    demo = Subscription.objects.filter(channel="email", user=None, case=None)
    assert demo.count() == 1
    assert f"Demo campaigner {demo.get().email}" in out.getvalue()
