from __future__ import annotations

import pytest

from cases.models import Case
from casetracker.fields import Tier
from people.models import Membership
from tests.factories import CaseFactory, CaseShareFactory, HearingFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org_a):
    case = CaseFactory(owner=org_a, reference="CT-FAKE0001", title="Case of Testy Detainee")
    TimelineEventFactory(case=case, tier=Tier.PUBLIC, summary="Arrested at dawn (public).")
    TimelineEventFactory(case=case, tier=Tier.PARTNERS, summary="Lawyer visit (partners).")
    TimelineEventFactory(case=case, tier=Tier.INTERNAL, summary="Family contact (internal).")
    HearingFactory(case=case, court="Fake Special Court")
    return case


def test_an_anonymous_reader_sees_only_the_public_records_of_a_consented_case(client, case):
    body = client.get("/cases/CT-FAKE0001/").content.decode()
    assert "Testy Detainee" in body
    assert "Arrested at dawn (public)." in body
    assert "Fake Special Court" in body
    assert "(partners)" not in body
    assert "(internal)" not in body


def test_a_case_without_publicity_consent_is_a_404_for_an_anonymous_reader(client, case):
    Case.objects.filter(pk=case.pk).update(consent=Case.Consent.NONE)
    response = client.get("/cases/CT-FAKE0001/")
    assert response.status_code == 404
    assert "Testy" not in response.content.decode()


def test_a_partner_of_a_shared_case_also_sees_partners_records(client, case, org_b, make_member):
    CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS)
    client.force_login(make_member(org_b, Membership.Role.PARTNER))
    body = client.get("/cases/CT-FAKE0001/").content.decode()
    assert "Lawyer visit (partners)." in body
    assert "(internal)" not in body


def test_staff_are_sent_on_to_the_admin_page(client, case, org_a, make_member):
    client.force_login(make_member(org_a))
    response = client.get("/cases/CT-FAKE0001/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/case/{case.pk}/change/"


def test_staff_of_another_organisation_get_a_404_for_an_internal_case(
    client, case, org_b, make_member
):
    Case.objects.filter(pk=case.pk).update(tier=Tier.INTERNAL)
    client.force_login(make_member(org_b))
    assert client.get("/cases/CT-FAKE0001/").status_code == 404
