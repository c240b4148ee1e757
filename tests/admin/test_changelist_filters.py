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


def _country_choices(response) -> set[str]:
    spec = next(
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", None) == "country"
    )
    return {str(code) for code, _label in spec.lookup_choices}


def test_country_filter_lists_countries_of_visible_cases_only(org_a, org_b, b_caseworker):
    shared = CaseFactory(owner=org_a, tier=Tier.PARTNERS, consent="none", country="IN")
    CaseShareFactory(case=shared, organisation=org_b, tier=Tier.PARTNERS)
    CaseFactory(owner=org_b, country="FR")
    CaseFactory(owner=org_b, country="FR")
    CaseFactory(owner=org_a, tier=Tier.INTERNAL, consent="none", country="RU")  # hidden

    response = b_caseworker.get("/admin/cases/case/")

    assert _country_choices(response) == {"IN", "FR"}


def test_country_probe_finds_the_same_countries_as_a_distinct(org_a, org_b):
    from cases.models import Case, ReviewItem
    from casetracker.admin_mixins import countries_with_rows
    from casetracker.visibility import Viewer, visible
    from tests.factories import MembershipFactory, ReviewItemFactory

    for i, country in enumerate(["IN", "IN", "FR", "RU", "BY", "MM", "TH"]):
        owner = (org_a, org_b, OrganisationFactory())[i % 3]
        tier = (Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED)[i % 4]
        case = CaseFactory(
            owner=owner, tier=tier, consent=("public", "none")[i % 2], country=country
        )
        ReviewItemFactory(case=case, tier=tier)
        if i % 2:
            CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS)
    viewers = [Viewer.anonymous()] + [
        Viewer.for_user(MembershipFactory(organisation=org, role=role).user)
        for org in (org_a, org_b)
        for role in (Membership.Role.CASEWORKER, Membership.Role.PARTNER)
    ]
    for viewer in viewers:
        for model, path in ((Case, "country"), (ReviewItem, "case__country")):
            rows = visible(viewer, model).order_by()
            expected = set(rows.values_list(path, flat=True).distinct())
            assert countries_with_rows(rows, path) == expected, (viewer, model)
