"""The case changelist's owner filter: lists owners of visible cases, filters by owner."""

from __future__ import annotations

import pytest

from casetracker.fields import Tier
from people.models import Membership
from tests.factories import CaseFactory, CaseShareFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_caseworker(org_b, make_member, admin_client_for):
    return admin_client_for(make_member(org_b, Membership.Role.CASEWORKER))


def _owner_choices(response) -> dict[str, str]:
    spec = next(
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", None) == "owner__id__exact"
    )
    return {str(v): str(label) for v, label in spec.lookup_choices}


def test_owner_filter_lists_owners_of_shared_cases_but_not_of_hidden_ones(
    org_a, org_b, b_caseworker
):
    org_c = OrganisationFactory(name="Fake Org C")
    shared = CaseFactory(owner=org_a, tier=Tier.PARTNERS, consent="none", title="Fake shared")
    CaseShareFactory(case=shared, organisation=org_b, tier=Tier.PARTNERS)
    CaseFactory(owner=org_c, tier=Tier.INTERNAL, consent="none", title="Fake hidden")
    CaseFactory(owner=org_b, title="Fake own")

    response = b_caseworker.get("/admin/cases/case/")

    assert _owner_choices(response) == {str(org_a.pk): org_a.name, str(org_b.pk): org_b.name}
    assert "Fake Org C" not in response.content.decode()


def test_owner_filter_narrows_the_list_to_that_owner(org_a, org_b, b_caseworker):
    shared = CaseFactory(owner=org_a, tier=Tier.PARTNERS, consent="none", title="Fake shared")
    CaseShareFactory(case=shared, organisation=org_b, tier=Tier.PARTNERS)
    own = CaseFactory(owner=org_b, title="Fake own")

    response = b_caseworker.get(f"/admin/cases/case/?owner__id__exact={org_b.pk}")

    assert [c.pk for c in response.context["cl"].result_list] == [own.pk]


def test_a_mangled_owner_parameter_lists_nothing_instead_of_failing(org_b, b_caseworker):
    CaseFactory(owner=org_b, title="Fake own")

    response = b_caseworker.get("/admin/cases/case/?owner__id__exact=abc")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
