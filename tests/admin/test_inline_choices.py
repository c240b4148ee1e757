"""Inline foreign-key selects offer exactly the case's visible rows, and shared lists agree."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Hearing, Source
from casetracker.fields import Tier
from casetracker.visibility import Viewer, visible
from people.models import Membership
from tests.factories import (
    CaseFactory,
    ChargeDocumentFactory,
    HearingFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def _choices(response, prefix: str, field: str) -> list[list[str]]:
    """The option values of ``field`` in every form of the inline with ``prefix``."""
    prefixes = [f.formset.prefix for f in response.context["inline_admin_formsets"]]
    assert prefix in prefixes, prefixes
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix
    )
    return [
        [str(value) for value, _label in form.fields[field].choices if value != ""]
        for form in formset.forms
    ]


def test_source_and_hearing_selects_list_this_cases_visible_rows_only(
    org_a, make_member, admin_client_for
):
    user = make_member(org_a, Membership.Role.CASEWORKER)  # not named for restricted
    case = CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    other = CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    sources = [SourceFactory(case=case, tier=t) for t in (Tier.INTERNAL, Tier.RESTRICTED)]
    SourceFactory(case=other)
    hearings = [
        HearingFactory(case=case, tier=t, date=dt.date(2030, 1, 1 + i))
        for i, t in enumerate((Tier.PUBLIC, Tier.INTERNAL, Tier.RESTRICTED))
    ]
    HearingFactory(case=other)
    TimelineEventFactory(case=case, source=sources[0])
    TimelineEventFactory(case=case)
    ChargeDocumentFactory(case=case, source=sources[0])

    response = admin_client_for(user).get(f"/admin/cases/case/{case.pk}/change/")

    viewer = Viewer.for_user(user)
    seen_sources = {
        str(pk) for pk in visible(viewer, Source).filter(case=case).values_list("pk", flat=True)
    }
    seen_hearings = {
        str(pk) for pk in visible(viewer, Hearing).filter(case=case).values_list("pk", flat=True)
    }
    assert seen_sources == {str(sources[0].pk)}
    assert seen_hearings == {str(hearings[0].pk), str(hearings[1].pk)}
    for prefix, field, expected in [
        ("timelineevents", "source", seen_sources),
        ("chargedocuments", "source", seen_sources),
        ("hearings", "next_hearing", seen_hearings),
        ("hearings", "postponed_from", seen_hearings),
    ]:
        lists = _choices(response, prefix, field)
        assert lists, (prefix, field)
        for values in lists:
            assert len(values) == len(set(values))
            assert set(values) == expected, (prefix, field)


def test_inline_rows_are_the_visible_rows_for_every_kind_of_reader(
    org_a, org_b, make_member, admin_client_for
):
    """The change page reads one case's records page-scoped; each viewer gets visible()."""
    from cases.models import CaseShare

    case = CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    CaseShare.objects.create(case=case, organisation=org_b, tier=Tier.INTERNAL, can_edit=True)
    for i, tier in enumerate((Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED)):
        source = SourceFactory(case=case, tier=tier)
        TimelineEventFactory(case=case, tier=tier, source=source)
        HearingFactory(case=case, tier=tier, date=dt.date(2030, 1, 1 + i))
    readers = [
        make_member(org_a, Membership.Role.CASEWORKER),
        make_member(org_a, Membership.Role.CASEWORKER, restricted=True),
        make_member(org_a, Membership.Role.AUDITOR),
        make_member(org_b, Membership.Role.CASEWORKER),
        make_member(org_b, Membership.Role.AUDITOR),
    ]
    for user in readers:
        response = admin_client_for(user).get(f"/admin/cases/case/{case.pk}/change/")
        assert response.status_code == 200
        viewer = Viewer.for_user(user)
        for admin_formset in response.context["inline_admin_formsets"]:
            formset = admin_formset.formset
            model = formset.model
            if model is CaseShare:
                continue  # its own rule (owner's editors only), not a case record
            expected = set(visible(viewer, model).filter(case=case).values_list("pk", flat=True))
            got = {form.instance.pk for form in formset.initial_forms}
            assert got == expected, (user.membership.role, model.__name__)
