"""The admin's chronology import: paste → preview (writes nothing) → confirm → saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import (
    Case,
    Charge,
    ChargeDocument,
    Detention,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from people.models import Membership, Person
from tests.factories import CaseFactory, CaseShareFactory

KHURRAM = Path(__file__).resolve().parents[2] / "seeds" / "texts" / "khurram_parvez_chronology.txt"
WRITTEN = [Case, Person, Source, TimelineEvent, ChargeDocument, Charge, Hearing, Detention]


@pytest.fixture
def text() -> str:
    return KHURRAM.read_text(encoding="utf-8")


@pytest.fixture
def caseworker(org_a, make_member):
    return make_member(org_a, Membership.Role.CASEWORKER)


@pytest.fixture
def case(org_a):
    return CaseFactory(owner=org_a, tier="internal")


def url_for(case: Case) -> str:
    return f"/admin/cases/case/{case.pk}/import-chronology/"


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in [*WRITTEN, ReviewItem]}


def test_the_case_page_links_to_the_import(case, caseworker, admin_client_for):
    page = admin_client_for(caseworker).get(f"/admin/cases/case/{case.pk}/change/")
    assert url_for(case).encode() in page.content
    assert b"Import chronology" in page.content


def test_the_changelist_links_to_a_new_case_from_chronology(caseworker, admin_client_for):
    page = admin_client_for(caseworker).get("/admin/cases/case/")
    assert b"/admin/cases/case/import-chronology/" in page.content
    assert b"New case from chronology" in page.content


def test_the_form_has_a_textarea_an_upload_and_a_csrf_token(case, caseworker, admin_client_for):
    page = admin_client_for(caseworker).get(url_for(case))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<textarea name="text"' in html and 'type="file" name="upload"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_preview_lists_everything_and_writes_nothing(case, caseworker, admin_client_for, text):
    client = admin_client_for(caseworker)
    before = counts()
    page = client.post(url_for(case), {"text": text, "_preview": "Preview"})
    assert page.status_code == 200
    html = page.content.decode()
    assert counts() == before
    assert "Preview — nothing has been saved yet" in html
    assert "24 January 2021" in html and "2022-01-24" in html  # the out-of-sequence warning
    assert "out_of_sequence" in html and "anniversary_mismatch" in html
    assert "<td>2021-11-22</td>" in html and "<td>raid</td>" in html
    assert "waging war against the government of India" in html and "<td>121A</td>" in html
    assert "<td>Tihar</td>" in html
    assert 'name="_confirm"' in html
    result = page.context["result"]
    assert len(result.entries) == 20 and len(result.warnings) == 3


def test_confirm_saves_through_the_loader_and_links_back(case, caseworker, admin_client_for, text):
    client = admin_client_for(caseworker)
    response = client.post(
        url_for(case), {"text": text, "source_title": "Fake NGO", "_confirm": "Confirm import"}
    )
    change_url = f"/admin/cases/case/{case.pk}/change/"
    assert response.status_code == 302 and response["Location"] == change_url
    assert TimelineEvent.objects.filter(case=case).count() == 20
    assert ReviewItem.objects.filter(case=case, status="open").count() == 3
    assert Source.objects.get(case=case).title == "Fake NGO"
    page = client.get(change_url)
    [message] = [str(m) for m in page.context["messages"]]
    assert f'<a href="{change_url}">' in message and "3 warning(s) to review" in message
    assert "Officials from the National Investigation Agency" in page.content.decode()


def test_confirming_twice_creates_nothing_the_second_time(case, caseworker, admin_client_for, text):
    client = admin_client_for(caseworker)
    client.post(url_for(case), {"text": text, "_confirm": "1"})
    before = counts()
    response = client.post(url_for(case), {"text": text, "_confirm": "1"}, follow=True)
    assert counts() == before
    assert "0 new, 0 updated" in str(list(response.context["messages"])[-1])


def test_a_txt_upload_is_used_instead_of_the_textarea(case, caseworker, admin_client_for, text):
    upload = SimpleUploadedFile("chronology.txt", text.encode(), content_type="text/plain")
    admin_client_for(caseworker).post(
        url_for(case), {"text": "", "upload": upload, "_confirm": "1"}
    )
    assert TimelineEvent.objects.filter(case=case).count() == 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "the text is empty"),
        ({"upload": SimpleUploadedFile("x.txt", b"\x7fELF\x00\x00")}, "binary file"),
        ({"upload": SimpleUploadedFile("x.txt", b"caf\xe9 22 May 2022")}, "not UTF-8"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(
    case, caseworker, admin_client_for, data, message
):
    before = counts()
    page = admin_client_for(caseworker).post(url_for(case), {**data, "_confirm": "1"})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert counts() == before


def test_a_case_of_another_organisation_is_404(org_b, caseworker, admin_client_for, text):
    other = CaseFactory(owner=org_b, tier="internal")
    client = admin_client_for(caseworker)
    assert client.get(url_for(other)).status_code == 404
    assert client.post(url_for(other), {"text": text, "_confirm": "1"}).status_code == 404
    assert not TimelineEvent.objects.filter(case=other).exists()


def test_a_case_shared_read_only_is_403(org_b, caseworker, admin_client_for, text):
    shared = CaseFactory(owner=org_b, tier="partners")
    CaseShareFactory(case=shared, organisation=caseworker.membership.organisation)
    client = admin_client_for(caseworker)
    assert client.get(f"/admin/cases/case/{shared.pk}/change/").status_code == 200
    assert client.post(url_for(shared), {"text": text, "_confirm": "1"}).status_code == 403
    assert not TimelineEvent.objects.filter(case=shared).exists()


def test_a_case_shared_with_edit_may_be_imported_into(org_b, caseworker, admin_client_for, text):
    shared = CaseFactory(owner=org_b, tier="partners")
    CaseShareFactory(case=shared, organisation=caseworker.membership.organisation, can_edit=True)
    response = admin_client_for(caseworker).post(url_for(shared), {"text": text, "_confirm": "1"})
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(case=shared).count() == 20


def test_a_campaigner_may_not_import(org_a, case, make_member, admin_client_for, text):
    campaigner = make_member(org_a, Membership.Role.CAMPAIGNER)
    client = admin_client_for(campaigner)
    assert client.post(url_for(case), {"text": text, "_confirm": "1"}).status_code == 403
    assert client.get("/admin/cases/case/import-chronology/").status_code == 403


def test_a_password_only_session_is_sent_to_the_login(case, caseworker):
    client = Client()
    client.force_login(caseworker)  # no second factor
    response = client.get(url_for(case))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_posting_without_a_csrf_token_is_refused(case, caseworker, otp_login, text):
    client = Client(enforce_csrf_checks=True)
    otp_login(client, caseworker)
    response = client.post(url_for(case), {"text": text, "_confirm": "1"})
    assert response.status_code == 403
    assert not TimelineEvent.objects.filter(case=case).exists()


def test_new_case_from_chronology_previews_then_creates_an_internal_case(
    org_a, caseworker, admin_client_for, text
):
    client = admin_client_for(caseworker)
    url = "/admin/cases/case/import-chronology/"
    data = {
        "person": "Fake Chronology Person",
        "country": "IN",
        "status": "detained",
        "tier": "internal",
        "owner": org_a.pk,
        "text": text,
    }
    before = counts()
    preview = client.post(url, {**data, "_preview": "1"})
    assert preview.status_code == 200 and counts() == before
    response = client.post(url, {**data, "_confirm": "1"})
    case = Case.objects.get(title="Fake Chronology Person")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/case/{case.pk}/change/"
    assert (case.owner, case.tier, case.consent, case.country) == (org_a, "internal", "none", "IN")
    assert case.timelineevents.count() == 20


def test_a_new_case_cannot_be_public_or_owned_by_another_org(
    org_a, org_b, caseworker, admin_client_for, text
):
    client = admin_client_for(caseworker)
    url = "/admin/cases/case/import-chronology/"
    base = {"person": "Fake P", "country": "IN", "status": "detained", "text": text}
    public = client.post(url, {**base, "tier": "public", "owner": org_a.pk, "_confirm": "1"})
    foreign = client.post(url, {**base, "tier": "internal", "owner": org_b.pk, "_confirm": "1"})
    assert public.status_code == foreign.status_code == 200
    assert "tier" in public.context["form"].errors and "owner" in foreign.context["form"].errors
    assert not Case.objects.exists()
