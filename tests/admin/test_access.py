"""Who sees and edits what in the admin: nothing leaks through pages, counts, filters, JSON."""

from __future__ import annotations

import pytest

from cases.models import Case
from casetracker.fields import Tier
from people.models import Membership, PersonAlias
from tests.admin.htmlform import change_form_data
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    CaseShareFactory,
    OrganisationFactory,
    PersonFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Case of Secretly Detained Fakeperson"


@pytest.fixture
def secret_case(org_a):
    """Org A's internal case, in a country no other case has, of an internal-tier person."""
    person = PersonFactory(primary_name="Secretly Detained Fakeperson", tier=Tier.INTERNAL)
    PersonAlias.objects.create(person=person, name="Hushname")
    return CaseFactory(
        owner=org_a,
        person=person,
        title=SECRET_TITLE,
        tier=Tier.INTERNAL,
        consent=Case.Consent.NONE,
        country="BY",
    )


@pytest.fixture
def b_caseworker(org_b, make_member, admin_client_for):
    return admin_client_for(make_member(org_b, Membership.Role.CASEWORKER))


@pytest.fixture
def a_caseworker(org_a, make_member, admin_client_for):
    return admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))


def test_other_organisations_caseworker_cannot_open_an_internal_case(secret_case, b_caseworker):
    response = b_caseworker.get(f"/admin/cases/case/{secret_case.pk}/change/", follow=True)
    assert response.redirect_chain  # "doesn't exist" → back to the admin index
    assert SECRET_TITLE not in response.content.decode()
    assert "Fakeperson" not in response.content.decode()


def test_owner_caseworker_opens_the_same_case(secret_case, a_caseworker):
    response = a_caseworker.get(f"/admin/cases/case/{secret_case.pk}/change/")
    assert response.status_code == 200
    assert SECRET_TITLE in response.content.decode()


def test_hidden_case_is_absent_from_changelist_counts_and_filters(secret_case, b_caseworker, org_b):
    CaseFactory(owner=org_b, country="IN", title="Case of B's own fake detainee")
    response = b_caseworker.get("/admin/cases/case/")
    html = response.content.decode()
    cl = response.context["cl"]
    assert cl.result_count == 1
    assert SECRET_TITLE not in html
    assert "Belarus" not in html  # the country filter lists visible countries only
    assert "Fake Org A" not in html  # the owner filter lists owners of visible cases only
    assert "India" in html  # ...and does list B's own


def test_filters_list_the_hidden_case_for_its_owner(secret_case, a_caseworker):
    html = a_caseworker.get("/admin/cases/case/").content.decode()
    assert "Belarus" in html
    assert "Fake Org A" in html


def test_hidden_case_is_absent_from_autocomplete_json(secret_case, b_caseworker, a_caseworker):
    url = (
        "/admin/autocomplete/?app_label=campaigns&model_name=campaign&field_name=cases"
        "&term=Secretly"
    )
    assert b_caseworker.get(url).json()["results"] == []
    assert [r["text"] for r in a_caseworker.get(url).json()["results"]] == [SECRET_TITLE]


def test_hidden_person_is_absent_from_person_autocomplete(secret_case, b_caseworker, a_caseworker):
    url = "/admin/autocomplete/?app_label=cases&model_name=case&field_name=person&term=Hushname"
    assert b_caseworker.get(url).json()["results"] == []
    assert len(a_caseworker.get(url).json()["results"]) == 1


def test_search_by_alias_finds_visible_cases_once_and_hidden_ones_never(
    secret_case, a_caseworker, b_caseworker
):
    PersonAlias.objects.create(person=secret_case.person, name="Hushname Second")
    found = a_caseworker.get("/admin/cases/case/?q=hushname").context["cl"]
    assert [c.pk for c in found.result_list] == [secret_case.pk]
    assert b_caseworker.get("/admin/cases/case/?q=hushname").context["cl"].result_count == 0


def test_search_matches_every_word_across_name_fields(org_a, a_caseworker):
    person = PersonFactory(primary_name="Testy Parvezish", native_name="Тести Парвезиш")
    case = CaseFactory(owner=org_a, person=person, title="Fake case")
    CaseFactory(owner=org_a, title="Unrelated fake case")
    for term in ("testy parvezish", "Тести", "fake parvezish"):
        result = a_caseworker.get("/admin/cases/case/", {"q": term}).context["cl"].result_list
        assert [c.pk for c in result] == [case.pk], term


def test_shared_case_shows_only_rows_up_to_the_share_tier(org_a, org_b, b_caseworker):
    case = CaseFactory(owner=org_a, tier=Tier.PARTNERS)
    CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS)
    TimelineEventFactory(case=case, tier=Tier.PARTNERS, summary="Shared fake event")
    TimelineEventFactory(case=case, tier=Tier.INTERNAL, summary="Internal fake event")
    SourceFactory(case=case, tier=Tier.INTERNAL, title="Internal fake informant")
    html = b_caseworker.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "Shared fake event" in html
    assert "Internal fake event" not in html
    assert "Internal fake informant" not in html  # not even as a choice in a select


def test_partner_role_has_no_admin_access(secret_case, org_a, make_member, admin_client_for):
    CaseFactory(owner=org_a, title="Public fake case")
    partner = make_member(org_a, Membership.Role.PARTNER)
    partner.is_staff = True  # even if someone ticks "staff status" by mistake
    partner.save()
    client = admin_client_for(partner)
    for url in (
        "/admin/cases/case/",
        f"/admin/cases/case/{secret_case.pk}/change/",
        "/admin/campaigns/campaign/",
        "/admin/people/person/",
        "/admin/autocomplete/?app_label=campaigns&model_name=campaign&field_name=cases&term=fake",
    ):
        assert client.get(url).status_code == 403, url
    index = client.get("/admin/")
    assert index.context["app_list"] == []


def test_partner_without_staff_flag_is_sent_to_the_login_page(org_a, make_member, admin_client_for):
    client = admin_client_for(make_member(org_a, Membership.Role.PARTNER))
    assert client.get("/admin/cases/case/").status_code == 302


def test_campaigner_reads_a_case_but_cannot_edit_it(org_a, make_member, admin_client_for):
    case = CaseFactory(owner=org_a, title="Fake case to read")
    client = admin_client_for(make_member(org_a, Membership.Role.CAMPAIGNER))
    url = f"/admin/cases/case/{case.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="title"' not in page.content.decode()
    response = client.post(url, {"title": "Changed by a campaigner"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.title == "Fake case to read"


def test_campaigner_edits_own_campaign(org_a, make_member, admin_client_for):
    campaign = CampaignFactory(owner=org_a, title="Fake campaign")
    client = admin_client_for(make_member(org_a, Membership.Role.CAMPAIGNER))
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    data = change_form_data(client.get(url), "campaign")
    data["title"] = "Fake campaign, renamed"
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Fake campaign, renamed"


@pytest.mark.parametrize(("can_edit", "editable"), [(True, True), (False, False)])
def test_share_with_can_edit_decides_whether_a_partner_org_edits(
    org_a, org_b, b_caseworker, can_edit, editable
):
    case = CaseFactory(owner=org_a, tier=Tier.PARTNERS)
    CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS, can_edit=can_edit)
    page = b_caseworker.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.context["has_change_permission"] is editable


def test_auditor_reads_but_cannot_add(org_a, make_member, admin_client_for):
    client = admin_client_for(make_member(org_a, Membership.Role.AUDITOR))
    assert client.get("/admin/cases/case/").status_code == 200
    assert client.get("/admin/cases/case/add/").status_code == 403


def test_caseworker_cannot_create_a_case_owned_by_another_organisation(org_a, org_b, a_caseworker):
    person = PersonFactory()
    page = a_caseworker.get("/admin/cases/case/add/")
    owner_choices = {str(v) for v, _label in page.context["adminform"].form.fields["owner"].choices}
    assert str(org_a.pk) in owner_choices
    assert str(org_b.pk) not in owner_choices
    assert person  # the form is otherwise usable


def test_campaign_save_keeps_links_to_cases_the_editor_cannot_see(
    secret_case, org_b, make_member, admin_client_for
):
    visible_case = CaseFactory(owner=org_b, title="Fake visible case")
    campaign = CampaignFactory(owner=org_b)
    campaign.cases.add(secret_case, visible_case)
    client = admin_client_for(make_member(org_b, Membership.Role.CAMPAIGNER))
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    page = client.get(url)
    assert SECRET_TITLE not in page.content.decode()
    assert client.post(url, change_form_data(page, "campaign")).status_code == 302
    assert set(campaign.cases.all()) == {secret_case, visible_case}


def test_site_header_is_casetracker(a_caseworker):
    assert "casetracker" in a_caseworker.get("/admin/").content.decode()


def test_other_org_case_share_rows_are_not_shown_to_share_recipients(org_a, org_b, b_caseworker):
    case = CaseFactory(owner=org_a, tier=Tier.PARTNERS)
    CaseShareFactory(case=case, organisation=org_b, tier=Tier.PARTNERS)
    CaseShareFactory(
        case=case, organisation=OrganisationFactory(name="Fake Third Org"), tier=Tier.PARTNERS
    )
    html = b_caseworker.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "Fake Third Org" not in html
