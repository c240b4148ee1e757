from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from casetracker.fields import Tier
from people.models import Membership
from people.tokens import partner_token_create
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    CaseShareFactory,
    ChargeFactory,
    DetentionFactory,
    HearingFactory,
    OrganisationFactory,
    PersonFactory,
    SourceFactory,
    TimelineEventFactory,
    UserFactory,
)

TIERS = [Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED]
CHILD_FACTORIES = {
    "events": TimelineEventFactory,
    "charges": ChargeFactory,
    "hearings": HearingFactory,
    "detentions": DetentionFactory,
    "sources": SourceFactory,
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories hash a password per user; PBKDF2 would dominate these tests' runtime.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client(db):
    """token_client(org) -> APIClient authenticated with a new partner token of org."""

    def make(org, **kw):
        _token, raw = partner_token_create(organisation=org, **kw)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.raw_token = raw
        return client

    return make


@pytest.fixture
def session_client(db, otp_login):
    def make(user):
        client = APIClient()
        # The factories set the password without saving it: log in with the stored row,
        # or the session's auth hash would not match and the session would be dropped.
        user.refresh_from_db()
        # The API accepts only sessions that passed the second factor (as the admin login
        # makes them); a password-only session is refused (tests/security/test_api_session).
        otp_login(client, user)
        return client

    return make


@pytest.fixture
def world(db, make_member):
    """Owner O (with caseworkers), partner org A (a partners-tier share of every case),
    partner org B (no share), a caseworker of B, a superuser. One case per tier; on the
    public case, one record of each kind per tier; one campaign per tier."""
    owner = OrganisationFactory(name="Fake Owner Org", acronym="FOO")
    org_a = OrganisationFactory(name="Fake Partner A", acronym="FPA")
    org_b = OrganisationFactory(name="Fake Partner B", acronym="FPB")
    cases = {}
    for tier in TIERS:
        person = PersonFactory(primary_name=f"Testy {tier.capitalize()} Person", tier=tier)
        cases[tier] = CaseFactory(owner=owner, tier=tier, person=person)
        CaseShareFactory(case=cases[tier], organisation=org_a, tier=Tier.PARTNERS)
    records = {
        kind: {tier: factory(case=cases[Tier.PUBLIC], tier=tier) for tier in TIERS}
        for kind, factory in CHILD_FACTORIES.items()
    }
    campaigns = {}
    for tier in TIERS:
        campaigns[tier] = CampaignFactory(owner=owner, tier=tier)
        campaigns[tier].cases.add(cases[Tier.PUBLIC])
    campaigns[Tier.PARTNERS].organisers.add(org_a)
    admin = UserFactory(is_superuser=True, username="fake-admin")
    return {
        "owner": owner,
        "org_a": org_a,
        "org_b": org_b,
        "cases": cases,
        "records": records,
        "campaigns": campaigns,
        "users": {
            "owner_caseworker": make_member(owner),
            "other_caseworker": make_member(org_b),
            "admin": admin,
            "partner_a_human": make_member(org_a, Membership.Role.PARTNER),
        },
    }


@pytest.fixture
def clients(world, token_client, session_client):
    """One API client per actor of the access matrix."""
    return {
        "anonymous": APIClient(),
        "partner_a": token_client(world["org_a"]),
        "partner_b": token_client(world["org_b"]),
        "owner_caseworker": session_client(world["users"]["owner_caseworker"]),
        "other_caseworker": session_client(world["users"]["other_caseworker"]),
        "admin": session_client(world["users"]["admin"]),
    }
