from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Case
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate
from people.models import PersonAlias
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    CaseShareFactory,
    ChargeFactory,
    DetentionFactory,
    HearingFactory,
    OrganisationFactory,
    PersonFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(name="Fake Consortium Partner")


@pytest.fixture
def partner(partner_org, token_client):
    return token_client(partner_org)


@pytest.fixture
def parvez(partner_org):
    """A Khurram-Parvez-like case shared with the partner at the partners tier."""
    person = PersonFactory(primary_name="Khurram Parvez", tier=Tier.PARTNERS)
    PersonAlias.objects.create(person=person, name="Khurram Pervez")
    case = CaseFactory(person=person, country="IN", tier=Tier.PARTNERS, summary="UAPA case")
    case.detained_since_partial = PartialDate.month(2021, 11, as_written="In November 2021")
    case.save()
    CaseShareFactory(case=case, organisation=partner_org, tier=Tier.PARTNERS)
    ChargeFactory(case=case, law="Unlawful Activities (Prevention) Act", section="17")
    ChargeFactory(case=case, law="Indian Penal Code", section="120B", tier=Tier.INTERNAL)
    return case


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_partner_finds_parvez_by_name_alias_and_uapa_section(partner, parvez):
    other = CaseFactory(country="IN")
    assert ids(partner.get("/api/v1/cases/?q=Parvez")) == [parvez.pk]
    assert ids(partner.get("/api/v1/cases/?q=Pervez")) == [parvez.pk]
    assert ids(partner.get("/api/v1/cases/?charge_section=17")) == [parvez.pk]
    assert ids(partner.get("/api/v1/cases/?charge_law=unlawful")) == [parvez.pk]
    assert set(ids(partner.get("/api/v1/cases/?country=IN"))) == {parvez.pk, other.pk}


def test_filters_never_match_on_records_the_caller_cannot_see(partner, parvez):
    # 120B is an internal charge: the partner's filter must not reveal it.
    assert ids(partner.get("/api/v1/cases/?charge_section=120B")) == []


def test_q_does_not_match_a_hidden_persons_name(partner, partner_org):
    person = PersonFactory(primary_name="Secretname Detainee", tier=Tier.INTERNAL)
    case = CaseFactory(person=person, title="Fake case", tier=Tier.PARTNERS)
    CaseShareFactory(case=case, organisation=partner_org, tier=Tier.PARTNERS)
    assert ids(partner.get("/api/v1/cases/?q=Secretname")) == []


def test_q_matches_names_in_non_latin_scripts(partner):
    person = PersonFactory(primary_name="Fake Myanmar Name", native_name="ကိုဖိုးစိုး")
    case = CaseFactory(person=person)
    assert ids(partner.get("/api/v1/cases/?q=ကိုဖိုးစိုး")) == [case.pk]
    cyrillic = CaseFactory(person=PersonFactory(primary_name="Алексей Тестов"))
    assert ids(partner.get("/api/v1/cases/?q=Тестов")) == [cyrillic.pk]


def test_partial_dates_and_day_ranges_are_serialized_with_their_precision(partner, parvez):
    data = partner.get(f"/api/v1/cases/{parvez.pk}/").json()
    assert data["detained_since"] == {
        "date": "2021-11",
        "precision": "month",
        "approximate": False,
        "as_written": "In November 2021",
        "edtf": "2021-11",
    }
    assert set(data["days_detained"]) == {"min", "max"}
    assert data["days_detained"]["max"] - data["days_detained"]["min"] == 29
    assert data["reference"] == parvez.reference


def test_case_filters_for_status_hearings_facility_campaign_and_dates(partner):
    detained = CaseFactory(status=Case.Status.DETAINED, detained_since=dt.date(2016, 9, 1))
    on_bail = CaseFactory(status=Case.Status.ON_BAIL, detained_since=dt.date(2022, 1, 1))
    HearingFactory(case=detained, date=dt.date.today() + dt.timedelta(days=3))
    HearingFactory(case=on_bail, date=dt.date(2020, 5, 5), status="held")
    detention = DetentionFactory(case=on_bail)
    campaign = CampaignFactory()
    campaign.cases.add(detained)
    get = partner.get
    assert ids(get("/api/v1/cases/?status=on_bail")) == [on_bail.pk]
    assert ids(get("/api/v1/cases/?has_upcoming_hearing=true")) == [detained.pk]
    assert ids(get("/api/v1/cases/?has_upcoming_hearing=false")) == [on_bail.pk]
    assert ids(get("/api/v1/cases/?hearing_before=2021-01-01")) == [on_bail.pk]
    assert ids(get(f"/api/v1/cases/?facility={detention.facility_id}")) == [on_bail.pk]
    assert ids(get(f"/api/v1/cases/?campaign={campaign.pk}")) == [detained.pk]
    assert ids(get("/api/v1/cases/?detained_since_before=2020-01-01")) == [detained.pk]
    assert ids(get("/api/v1/cases/?detained_since_after=2020-01-01")) == [on_bail.pk]
    assert ids(get(f"/api/v1/cases/?owner={detained.owner_id}")) == [detained.pk]
    assert ids(get("/api/v1/hearings/upcoming/")) == [detained.hearings.get().pk]


def test_updated_since_returns_only_recent_changes(partner):
    old = CaseFactory()
    Case.objects.filter(pk=old.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    new = CaseFactory()
    assert ids(partner.get("/api/v1/cases/?updated_since=2021-01-01T00:00:00Z")) == [new.pk]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("stauts=detained", "stauts"),
        ("status__in=detained,released", "status__in"),
        ("country=IN' OR 1=1--", "country"),
        ("status=free", "status"),
        ("owner=1;DROP TABLE cases_case", "owner"),
        ("updated_since=yesterday", "updated_since"),
        ("has_upcoming_hearing=maybe", "has_upcoming_hearing"),
        ("hearing_after=2021-02-30", "hearing_after"),
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=" + "x" * 201, "q"),
        ("q=abc%00def", "q"),
        ("country=IN&country=RU", "country"),
    ],
)
def test_unknown_or_malformed_parameters_are_400_naming_the_parameter(partner, query, param):
    response = partner.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_nested_lists_refuse_unknown_parameters_too(partner):
    case = CaseFactory()
    assert partner.get(f"/api/v1/cases/{case.pk}/sources/?tier=internal").status_code == 400
    assert partner.get(f"/api/v1/cases/{case.pk}/events/?tier=internal").status_code == 400


def test_cursor_pagination_pages_through_everything_in_a_stable_order(partner):
    case = CaseFactory()
    same_day = [TimelineEventFactory(case=case, date=dt.date(2021, 11, 22)) for _ in range(5)]
    earlier = TimelineEventFactory(case=case, date=dt.date(2021, 1, 1))
    month = TimelineEventFactory(case=case, date=dt.date(2021, 11, 1), date_precision=2)
    seen, url = [], f"/api/v1/cases/{case.pk}/events/?page_size=2"
    while url:
        page = partner.get(url).json()
        assert "count" not in page
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # (date, precision, id): "November 2021" sorts before "22 November 2021".
    assert seen == [earlier.pk, month.pk, *[e.pk for e in same_day]]


def test_page_size_is_capped_at_500(partner):
    CaseFactory()
    assert partner.get("/api/v1/cases/?page_size=100000").status_code == 200


@pytest.mark.parametrize(
    "value", ["0088-08-19T17:18:14.4-19:19", "0001-01-01T00:00:00+23:00"], ids=["offset", "range"]
)
def test_updated_since_with_an_extreme_offset_is_an_answer_not_a_server_error(clients, value):
    # -19:19 is a valid ISO offset that PostgreSQL refuses; it used to be a 500 there.
    response = clients["partner_a"].get("/api/v1/organisations/", {"updated_since": value})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "updated_since" in response.json()
