"""Every endpoint × every actor × records of each tier → the expected status. 0 leaks.

The expectations are written out by hand (not computed with the visibility layer), so a
change in the layer that widens access fails here.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "partner_a", "partner_b", "owner_caseworker", "other_caseworker", "admin"]
# Who sees a case-tree record of each tier. Partner A's organisation has a partners-tier
# share of every case; partner B and the other caseworker's organisation have none; the
# owner's caseworker is not named for restricted records; the admin has no membership.
SEES_RECORD = {
    "public": {"partner_a", "partner_b", "owner_caseworker", "other_caseworker", "admin"},
    "partners": {"partner_a", "owner_caseworker", "admin"},
    "internal": {"owner_caseworker", "admin"},
    "restricted": set(),
}
# Campaigns: partners-tier ones go to their organisers and to any staff.
SEES_CAMPAIGN = {
    "public": SEES_RECORD["public"],
    "partners": {"partner_a", "owner_caseworker", "other_caseworker", "admin"},
    "internal": {"owner_caseworker"},
    "restricted": set(),
}
# People who appear in cases are seen only through a case the viewer may see, at a tier
# that case's grant allows: another organisation's staff get no more than a partner would.
SEES_PERSON = SEES_RECORD
TIERS = list(SEES_RECORD)
CHILD_KINDS = ["events", "charges", "hearings", "detentions", "sources"]


def expected(who: str, sees: set[str]) -> int:
    if who == "anonymous":
        return 401
    return 200 if who in sees else 404


DETAIL_KINDS = ["case", "person", "campaign", "hearing_flat", *CHILD_KINDS]


def detail_url(world, kind: str, tier: str) -> str:
    public_case = world["cases"]["public"].pk
    if kind == "case":
        return f"/api/v1/cases/{world['cases'][tier].pk}/"
    if kind == "person":
        return f"/api/v1/people/{world['cases'][tier].person_id}/"
    if kind == "campaign":
        return f"/api/v1/campaigns/{world['campaigns'][tier].pk}/"
    if kind == "hearing_flat":
        return f"/api/v1/hearings/{world['records']['hearings'][tier].pk}/"
    return f"/api/v1/cases/{public_case}/{kind}/{world['records'][kind][tier].pk}/"


@pytest.mark.parametrize("who", ACTORS)
def test_detail_endpoints_answer_exactly_the_expected_status(clients, world, who):
    """One test per actor; the failure lists every wrong (kind, tier) cell."""
    wrong = []
    for kind in DETAIL_KINDS:
        table = {"campaign": SEES_CAMPAIGN, "person": SEES_PERSON}.get(kind, SEES_RECORD)
        for tier in TIERS:
            status = clients[who].get(detail_url(world, kind, tier)).status_code
            if status != expected(who, table[tier]):
                wrong.append((kind, tier, status))
    assert wrong == []


@pytest.mark.parametrize("who", ACTORS)
def test_child_collections_of_a_case_are_reachable_only_through_a_visible_case(clients, world, who):
    wrong = []
    for tier in TIERS:
        case = world["cases"][tier]
        for kind in CHILD_KINDS:
            status = clients[who].get(f"/api/v1/cases/{case.pk}/{kind}/").status_code
            if status != expected(who, SEES_RECORD[tier]):
                wrong.append((kind, tier, status))
    assert wrong == []


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


LISTS = [
    ("/api/v1/cases/", "case"),
    ("/api/v1/people/", "person"),
    ("/api/v1/campaigns/", "campaign"),
    ("/api/v1/hearings/", "hearings"),
    ("/api/v1/hearings/upcoming/", "hearings"),
    *[(f"/api/v1/cases/{{public}}/{kind}/", kind) for kind in CHILD_KINDS],
]


@pytest.mark.parametrize("who", ACTORS)
def test_list_endpoints_return_exactly_the_visible_records(clients, world, who):
    wrong = []
    for url, kind in LISTS:
        response = clients[who].get(
            url.format(public=world["cases"]["public"].pk) + "?page_size=500"
        )
        if who == "anonymous":
            if response.status_code != 401:
                wrong.append((url, response.status_code))
            continue
        got, want = _ids(response), _expected_ids(world, kind, who)
        if got != want:
            wrong.append((url, sorted(got), sorted(want)))
    assert wrong == []


def _expected_ids(world, kind: str, who: str) -> set[int]:
    if kind == "case":
        by_tier = {t: world["cases"][t].pk for t in TIERS}
    elif kind == "person":
        by_tier = {t: world["cases"][t].person_id for t in TIERS}
    elif kind == "campaign":
        by_tier = {t: world["campaigns"][t].pk for t in TIERS}
    else:
        by_tier = {t: world["records"][kind][t].pk for t in TIERS}
    sees = {"campaign": SEES_CAMPAIGN, "person": SEES_PERSON}.get(kind, SEES_RECORD)
    return {pk for t, pk in by_tier.items() if who in sees[t]}


@pytest.mark.parametrize("who", ACTORS)
def test_the_change_feed_carries_exactly_the_visible_records(clients, world, who):
    response = clients[who].get("/api/v1/changes/?page_size=500")
    if who == "anonymous":
        assert response.status_code == 401
        return
    got = {(r["type"], r["id"]) for r in response.json()["results"]}
    want = {("case", world["cases"][t].pk) for t in TIERS if who in SEES_RECORD[t]}
    want |= {("campaign", world["campaigns"][t].pk) for t in TIERS if who in SEES_CAMPAIGN[t]}
    singular = {"events": "event", "charges": "charge", "hearings": "hearing"}
    singular |= {"detentions": "detention", "sources": "source"}
    for kind in CHILD_KINDS:
        want |= {
            (singular[kind], world["records"][kind][t].pk) for t in TIERS if who in SEES_RECORD[t]
        }
    assert {g for g in got if g[0] not in ("organisation", "person")} == want


@pytest.mark.parametrize("who", ACTORS)
def test_the_csv_export_lists_exactly_the_visible_cases(clients, world, who):
    response = clients[who].get("/api/v1/cases/export.csv")
    if who == "anonymous":
        assert response.status_code == 401
        return
    body = b"".join(response.streaming_content).decode()
    refs = {world["cases"][t].reference for t in TIERS if who in SEES_RECORD[t]}
    hidden = {world["cases"][t].reference for t in TIERS} - refs
    assert all(ref in body for ref in refs)
    assert not any(ref in body for ref in hidden)


def test_a_partner_never_receives_internal_fields(clients, world):
    case = world["cases"]["public"]
    case.consent_note = "FAKE-INTERNAL-NOTE"
    case.legal_assessment = "FAKE-INTERNAL-ASSESSMENT"
    case.save()
    for who in ("partner_a", "partner_b"):
        for url in (f"/api/v1/cases/{case.pk}/", "/api/v1/cases/", "/api/v1/changes/"):
            body = clients[who].get(url).content.decode()
            assert "FAKE-INTERNAL" not in body
            assert "consent_note" not in body and "legal_assessment" not in body
    staff = clients["owner_caseworker"].get(f"/api/v1/cases/{case.pk}/").json()
    assert staff["consent_note"] == "FAKE-INTERNAL-NOTE"


def test_a_case_hides_its_person_when_the_person_is_of_a_higher_tier(clients, world):
    case = world["cases"]["partners"]
    case.title = "Fake case with a confidential detainee"
    case.save()
    person = case.person
    person.tier = "internal"
    person.save()
    data = clients["partner_a"].get(f"/api/v1/cases/{case.pk}/").json()
    assert data["person"] is None
    assert person.primary_name not in clients["partner_a"].get("/api/v1/cases/").content.decode()
    assert clients["owner_caseworker"].get(f"/api/v1/cases/{case.pk}/").json()["person"]


def test_a_record_links_only_to_a_source_its_reader_may_see(clients, world):
    event = world["records"]["events"]["public"]
    event.source = world["records"]["sources"]["internal"]
    event.save()
    url = f"/api/v1/cases/{event.case_id}/events/{event.pk}/"
    assert clients["partner_a"].get(url).json()["source"] is None
    assert clients["owner_caseworker"].get(url).json()["source"] == event.source_id


def test_case_summaries_show_only_visible_charges_hearings_and_detentions(clients, world):
    case = world["cases"]["public"]
    for charge in world["records"]["charges"].values():
        charge.document.is_current = False
        charge.document.save()
    doc = world["records"]["charges"]["internal"].document
    doc.is_current = True
    doc.save()
    data = clients["partner_a"].get(f"/api/v1/cases/{case.pk}/").json()
    assert data["current_charges"] == []
    assert data["next_hearing"]["id"] == world["records"]["hearings"]["public"].pk
    staff = clients["owner_caseworker"].get(f"/api/v1/cases/{case.pk}/").json()
    assert [c["id"] for c in staff["current_charges"]] == [
        world["records"]["charges"]["internal"].pk
    ]
