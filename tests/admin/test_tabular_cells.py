"""The case page's inline template prints what Django's tabular template prints.

``admin/casetracker/edit_inline/tabular.html`` is Django's template with the per-field
loops of each row written in Python (``cases/templatetags/admin_rows.py``). The pages
must stay byte-identical: every field, value, label, read-only text and error.
"""

from __future__ import annotations

import pytest
from django.contrib import admin

from cases.admin import TABULAR_TEMPLATE
from cases.models import Case, Hearing, Source
from people.models import Membership
from tests.admin.htmlform import change_form_data
from tests.admin.test_form_renderer_pages import NASTY, _page_without_tokens
from tests.admin.test_query_counts import full_case

pytestmark = pytest.mark.django_db

DJANGO_TABULAR = "admin/edit_inline/tabular.html"


def _use_django_template(monkeypatch) -> None:
    """Every case inline back on Django's own tabular template."""
    inlines = admin.site._registry[Case].inlines
    ours = [inline for inline in inlines if inline.template == TABULAR_TEMPLATE]
    assert len(ours) == len(inlines)  # the test covers every inline of the page
    for inline in ours:
        monkeypatch.setattr(inline, "template", DJANGO_TABULAR)


def _nasty_case(org):
    case = full_case(org, 3)
    Hearing.objects.filter(case=case).update(outcome=NASTY, court=NASTY)
    Source.objects.filter(case=case).update(title=NASTY)
    return case


@pytest.mark.parametrize("role", [Membership.Role.CASEWORKER, Membership.Role.AUDITOR])
def test_case_change_page_is_byte_identical_with_django_tabular_template(
    org_a, make_member, admin_client_for, monkeypatch, role
):
    client = admin_client_for(make_member(org_a, role))
    url = f"/admin/cases/case/{_nasty_case(org_a).pk}/change/"
    ours = _page_without_tokens(client, url)
    assert "field-provenance" in ours  # a read-only cell in every row
    if role == Membership.Role.CASEWORKER:
        assert 'id="timelineevents-empty"' in ours  # the blank "add another" row
    else:  # read-only rows: every value printed as text
        assert "a &lt;b&gt; &amp; &quot;c&quot; &#x27;d&#x27;" in ours
    _use_django_template(monkeypatch)
    assert _page_without_tokens(client, url) == ours


def test_inline_errors_print_the_same_with_django_tabular_template(
    org_a, make_member, admin_client_for, monkeypatch
):
    client = admin_client_for(make_member(org_a, Membership.Role.CASEWORKER))
    case = _nasty_case(org_a)
    url = f"/admin/cases/case/{case.pk}/change/"
    data = change_form_data(client.get(url), "case")
    data["timelineevents-0-date_0"] = "31 Febtember"
    data["hearings-0-custody_days"] = "many"
    data["sources-0-title"] = ""

    def posted() -> str:
        response = client.post(url, data)
        assert response.status_code == 200  # invalid: the page again, with its errors
        return _page_without_tokens_of(response)

    ours = posted()
    assert ours.count('class="errorlist') >= 3
    _use_django_template(monkeypatch)
    assert posted() == ours


def _page_without_tokens_of(response) -> str:
    class _Client:
        def get(self, _url):
            return response

    return _page_without_tokens(_Client(), "")
