from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from casetracker.api.throttling import PartnerTokenRateThrottle
from people.models import PartnerToken
from people.tokens import hash_token, partner_token_create

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_create_partner_token_prints_a_token_once_and_stores_only_its_hash(org_a):
    out = io.StringIO()
    call_command(
        "create_partner_token", org=org_a.name, expires_days=30, stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip()
    token = PartnerToken.objects.get()
    assert raw.startswith(f"ctp_{token.prefix}_")
    assert token.key_hash == hash_token(raw)
    stored = [str(v) for v in PartnerToken.objects.values().get().values()]
    assert not any(raw in value or raw.split("_", 2)[2] in value for value in stored)
    assert token.expires_at is not None
    assert bearer(raw).get("/api/v1/cases/").status_code == 200


def test_a_token_acts_as_a_partner_of_its_organisation(org_a):
    token, _raw = partner_token_create(organisation=org_a)
    assert token.user.membership.role == "partner"
    assert token.user.membership.organisation == org_a
    assert not token.user.has_usable_password()


@pytest.mark.parametrize(
    "header",
    ["Bearer ctp_nope_nope", "Bearer", "Bearer a b", "Token abc", "Bearer ctp_x"],
)
def test_malformed_or_unknown_tokens_are_401(org_a, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    status = client.get("/api/v1/cases/").status_code
    # "Token abc" is not our scheme: treated as no credentials, which is also 401.
    assert status == 401


def test_a_token_with_a_wrong_secret_is_refused(org_a):
    _token, raw = partner_token_create(organisation=org_a)
    assert bearer(raw[:-2] + "xx").get("/api/v1/cases/").status_code == 401


def test_an_expired_token_is_401_with_a_clear_message(org_a):
    past = timezone.now() - dt.timedelta(days=10)
    _token, raw = partner_token_create(organisation=org_a, expires_days=1, now=past)
    response = bearer(raw).get("/api/v1/cases/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401_at_once(org_a):
    token, raw = partner_token_create(organisation=org_a)
    assert bearer(raw).get("/api/v1/cases/").status_code == 200
    call_command("revoke_partner_token", token.prefix, stdout=io.StringIO())
    response = bearer(raw).get("/api/v1/cases/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("param", ["token", "access_token", "api_key"])
def test_a_token_in_the_query_string_is_refused_even_with_a_valid_header(org_a, param):
    _token, raw = partner_token_create(organisation=org_a)
    response = bearer(raw).get(f"/api/v1/cases/?{param}={raw}")
    assert response.status_code == 401
    assert "query string" in response.json()["detail"]
    assert APIClient().get(f"/api/v1/cases/?{param}={raw}").status_code == 401


def test_last_used_is_recorded(org_a):
    token, raw = partner_token_create(organisation=org_a)
    bearer(raw).get("/api/v1/cases/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_each_token_is_throttled_separately_with_retry_after(org_a, monkeypatch):
    monkeypatch.setattr(PartnerTokenRateThrottle, "THROTTLE_RATES", {"partner_token": "3/minute"})
    _t1, raw1 = partner_token_create(organisation=org_a)
    _t2, raw2 = partner_token_create(organisation=org_a)
    first, second = bearer(raw1), bearer(raw2)
    assert [first.get("/api/v1/cases/").status_code for _ in range(3)] == [200] * 3
    limited = first.get("/api/v1/cases/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert second.get("/api/v1/cases/").status_code == 200


def test_create_partner_token_refuses_an_unknown_organisation(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_partner_token", org="Nobody", stdout=io.StringIO())
