"""A caseworker's change to a case or a person survives load_seeds and importers."""

from __future__ import annotations

import pytest

from cases.models import Case
from cases.services import case_upsert, record_mark_edited
from casetracker.upserts import Outcome
from people.models import Membership, Person
from people.services import person_upsert
from tests.admin.htmlform import change_form_data
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def owner(db):
    return OrganisationFactory(name="Fake Seed Owner", is_member=True)


def seed_case(owner, **values):
    return case_upsert(
        reference="seed-fake-case",
        title="Fake Seed Person",
        country="IN",
        status=values.pop("status", Case.Status.DETAINED),
        owner=owner,
        kind=Case.Kind.GROUP,
        group_name="Fake group",
        summary=values.pop("summary", "As curated."),
    )


def test_case_upsert_keeps_a_case_a_caseworker_edited(owner):
    case = seed_case(owner).obj
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RELEASED, summary="Released!")
    case.refresh_from_db()
    assert record_mark_edited(record=case) is True
    result = seed_case(owner)
    assert result.outcome == Outcome.KEPT_EDITED
    case.refresh_from_db()
    assert (case.status, case.summary, case.edited) == ("released", "Released!", True)


def test_case_upsert_still_restores_an_unedited_case(owner):
    case = seed_case(owner).obj
    Case.objects.filter(pk=case.pk).update(summary="tampered")
    assert seed_case(owner).outcome == Outcome.UPDATED
    case.refresh_from_db()
    assert case.summary == "As curated."


def test_person_upsert_keeps_a_person_a_caseworker_edited(db):
    person = person_upsert(primary_name="Fake Seed Person", country="IN", bio="As curated.").obj
    Person.objects.filter(pk=person.pk).update(bio="Caseworker's bio")
    person.refresh_from_db()
    record_mark_edited(record=person)
    result = person_upsert(
        primary_name="Fake Seed Person", country="IN", bio="As curated.", aliases=["Fakey"]
    )
    assert result.outcome == Outcome.KEPT_EDITED
    person.refresh_from_db()
    assert person.bio == "Caseworker's bio"
    assert list(person.aliases.values_list("name", flat=True)) == ["Fakey"]  # only added


def test_marking_twice_reports_it_was_already_marked(db):
    person = PersonFactory()
    assert record_mark_edited(record=person) is True
    assert record_mark_edited(record=person) is False
    assert Person.objects.get(pk=person.pk).edited


def test_changing_a_case_in_the_admin_marks_it_edited(org_a, make_member, admin_client_for):
    client = admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))
    case = CaseFactory(owner=org_a)
    url = f"/admin/cases/case/{case.pk}/change/"
    data = change_form_data(client.get(url), "case")
    data["status"] = Case.Status.ON_BAIL
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    case.refresh_from_db()
    assert (case.status, case.edited) == ("on_bail", True)


def test_saving_a_case_unchanged_in_the_admin_does_not_mark_it(
    org_a, make_member, admin_client_for
):
    client = admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))
    case = CaseFactory(owner=org_a)
    url = f"/admin/cases/case/{case.pk}/change/"
    assert client.post(url, change_form_data(client.get(url), "case")).status_code == 302
    case.refresh_from_db()
    assert case.edited is False


def test_changing_a_person_in_the_admin_marks_it_edited(org_a, make_member, admin_client_for):
    client = admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))
    case = CaseFactory(owner=org_a)
    url = f"/admin/people/person/{case.person.pk}/change/"
    data = change_form_data(client.get(url), "person")
    data["bio"] = "Corrected by a caseworker (fake)."
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    case.person.refresh_from_db()
    assert (case.person.bio, case.person.edited) == ("Corrected by a caseworker (fake).", True)
