"""API session authentication requires the second factor (VerifiedSessionAuthentication)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(org_a, make_member):
    user = make_member(org_a)
    user.refresh_from_db()
    return user


def test_a_password_only_session_gets_no_case_data(org_a, caseworker):
    case = CaseFactory(owner=org_a, tier="internal")
    client = APIClient()
    client.force_login(caseworker)  # password only: no verified OTP device in the session
    response = client.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 401
    assert "second factor" in response.json()["detail"]


def test_a_password_only_session_cannot_write(org_a, caseworker):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(caseworker)
    response = client.post("/api/v1/cases/", {"title": "Fake"}, format="json")
    assert response.status_code == 401


def test_an_otp_verified_session_reads(org_a, caseworker, otp_login):
    case = CaseFactory(owner=org_a, tier="internal")
    client = APIClient()
    otp_login(client, caseworker)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200


def test_a_verified_session_still_needs_the_csrf_token_to_write(org_a, caseworker, otp_login):
    client = APIClient(enforce_csrf_checks=True)
    otp_login(client, caseworker)
    response = client.post("/api/v1/cases/", {"title": "Fake"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
