"""Id filters take whole numbers that fit a 64-bit key; anything else is a 400, never a 500."""

from __future__ import annotations

import pytest

from people.tokens import partner_token_create
from tests.factories import CaseFactory, HearingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(org_a):
    _token, secret = partner_token_create(organisation=org_a)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(
    "value", ["-1.7976931348623157e+308", "99999999999999999999999", "0", "1.5", "abc"]
)
@pytest.mark.parametrize(
    ("path", "param"),
    [("/api/v1/hearings/", "case"), ("/api/v1/cases/", "owner"), ("/api/v1/campaigns/", "case")],
)
def test_an_id_filter_out_of_range_or_not_whole_is_a_400_naming_it(
    client, auth, path, param, value
):
    response = client.get(path, {param: value}, **auth)
    assert response.status_code == 400
    assert param in response.json()


def test_a_valid_id_filter_still_filters(client, auth):
    hearing = HearingFactory(case=CaseFactory())
    HearingFactory(case=CaseFactory())
    response = client.get("/api/v1/hearings/", {"case": hearing.case_id}, **auth)
    assert response.status_code == 200
    assert [h["id"] for h in response.json()["results"]] == [hearing.id]
