"""The admin's case pages are byte-identical with FastWidgetRenderer and Django's templates."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from cases.models import Hearing
from people.models import Membership
from tests.admin.test_query_counts import full_case

NASTY = "a <b> & \"c\" 'd'"


def _page_without_tokens(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r"CT-[0-9A-F]{8}", "CT-…", html)  # the add page's fresh random reference


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Membership.Role.CASEWORKER, Membership.Role.AUDITOR])
def test_admin_case_pages_are_byte_identical_with_either_renderer(
    org_a, make_member, admin_client_for, role
):
    client = admin_client_for(make_member(org_a, role))
    case = full_case(org_a, 3)
    Hearing.objects.filter(case=case).update(outcome=NASTY)
    urls = [
        "/admin/cases/case/",
        f"/admin/cases/case/{case.pk}/change/",
        "/admin/cases/case/add/",
    ]
    if role == Membership.Role.AUDITOR:
        urls.pop()  # auditors may not add
    for url in urls:
        fast = _page_without_tokens(client, url)
        with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
            slow = _page_without_tokens(client, url)
        assert fast == slow, url
        if role == Membership.Role.CASEWORKER and "/change/" in url:
            assert fast.count("<option") > 250  # countries, tiers, types, sources ...


@pytest.mark.django_db
def test_building_the_blank_inline_form_once_changes_nothing_on_the_page(
    org_a, make_member, admin_client_for, monkeypatch
):
    from django.forms.models import BaseInlineFormSet

    from casetracker.admin_mixins import OneEmptyFormInlineFormSet

    client = admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))
    url = f"/admin/cases/case/{full_case(org_a, 2).pk}/change/"
    once = _page_without_tokens(client, url)
    assert 'id="timelineevents-empty"' in once  # the blank "add another" row is there
    monkeypatch.setattr(OneEmptyFormInlineFormSet, "empty_form", BaseInlineFormSet.empty_form)
    assert _page_without_tokens(client, url) == once
