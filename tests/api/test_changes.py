"""A mirror built only from the change feed equals what the caller may see."""

from __future__ import annotations

import pytest

from cases.models import Case, ChangeLogEntry, TimelineEvent
from casetracker.fields import Tier
from casetracker.visibility import Viewer, visible
from people.models import PartnerToken, Person
from tests.factories import (
    CaseFactory,
    CaseShareFactory,
    ChargeFactory,
    HearingFactory,
    OrganisationFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

MODELS = {"case": Case, "event": TimelineEvent, "person": Person}


class Mirror:
    def __init__(self, client):
        self.client, self.after, self.records, self.tombstones = client, 0, {}, []

    def sync(self, page_size=3):
        while True:
            response = self.client.get(f"/api/v1/changes/?after={self.after}&page_size={page_size}")
            assert response.status_code == 200, response.content
            page = response.json()
            for item in page["results"]:
                key = (item["type"], item["id"])
                if item["action"] == "upsert":
                    self.records[key] = item["data"]
                else:
                    self.tombstones.append(key)
                    self.records.pop(key, None)
            self.after = page["next_after"]
            if not page["has_more"]:
                return self

    def ids(self, kind):
        return {pk for k, pk in self.records if k == kind}


def visible_ids(org, kind):
    viewer = Viewer.for_user(PartnerToken.objects.filter(organisation=org).first().user)
    return set(visible(viewer, MODELS[kind]).values_list("pk", flat=True))


@pytest.fixture
def setup(token_client):
    owner = OrganisationFactory(name="Fake Owner")
    partner_org = OrganisationFactory(name="Fake Partner")
    client = token_client(partner_org)
    return owner, partner_org, client


def assert_in_sync(mirror, partner_org):
    for kind in MODELS:
        assert mirror.ids(kind) == visible_ids(partner_org, kind), kind


def test_the_mirror_follows_creates_updates_deletes_and_tier_changes(setup):
    owner, partner_org, client = setup
    shared = CaseFactory(owner=owner, tier=Tier.PARTNERS)
    CaseShareFactory(case=shared, organisation=partner_org, tier=Tier.PARTNERS)
    public = CaseFactory(owner=owner)
    hidden = CaseFactory(owner=owner, tier=Tier.INTERNAL)
    events = [TimelineEventFactory(case=shared, tier=t) for t in (Tier.PUBLIC, Tier.INTERNAL)]
    mirror = Mirror(client).sync()
    assert_in_sync(mirror, partner_org)
    assert ("case", hidden.pk) not in mirror.records

    # an update arrives with its new content
    public.summary = "Fake updated summary"
    public.save()
    mirror.sync()
    assert mirror.records[("case", public.pk)]["summary"] == "Fake updated summary"

    # a record raised to internal disappears; one lowered to public appears
    events[0].tier = Tier.INTERNAL
    events[0].save()
    events[1].tier = Tier.PUBLIC
    events[1].save()
    mirror.sync()
    assert_in_sync(mirror, partner_org)
    assert ("event", events[0].pk) in mirror.tombstones

    # revoking the share withdraws the case and everything in it
    shared.shares.all().delete()
    mirror.sync()
    assert_in_sync(mirror, partner_org)
    assert ("case", shared.pk) in mirror.tombstones

    # a deletion is a tombstone
    public_pk = public.pk
    public.delete()
    mirror.sync()
    assert_in_sync(mirror, partner_org)
    assert ("case", public_pk) in mirror.tombstones


def test_tombstones_never_reveal_records_the_caller_never_saw(setup):
    owner, _partner_org, client = setup
    mirror = Mirror(client).sync()
    hidden = CaseFactory(owner=owner, tier=Tier.INTERNAL)
    event = TimelineEventFactory(case=hidden, tier=Tier.INTERNAL)
    hidden_pk = hidden.pk
    event.delete()
    hidden.delete()
    mirror.sync()
    assert mirror.tombstones == []
    assert ChangeLogEntry.objects.filter(kind="case", object_id=hidden_pk, action="delete").exists()


def test_a_record_seen_and_withdrawn_between_polls_is_never_sent(setup):
    owner, _partner_org, client = setup
    mirror = Mirror(client).sync()
    case = CaseFactory(owner=owner)
    case.tier = Tier.INTERNAL
    case.save()
    mirror.sync()
    assert ("case", case.pk) not in mirror.records
    assert mirror.tombstones == []


def test_changes_to_a_cases_charges_and_hearings_refresh_the_case(setup):
    owner, _partner_org, client = setup
    case = CaseFactory(owner=owner)
    mirror = Mirror(client).sync()
    HearingFactory(case=case)
    ChargeFactory(case=case, document__is_current=True)
    mirror.sync()
    data = mirror.records[("case", case.pk)]
    assert data["next_hearing"] is not None
    assert len(data["current_charges"]) == 1


def test_the_feed_refuses_bad_parameters(setup):
    _owner, _org, client = setup
    for query in ("after=-1", "after=abc", "page_size=0", "page_size=501", "since=1"):
        response = client.get(f"/api/v1/changes/?{query}")
        assert response.status_code == 400, query
