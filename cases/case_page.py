"""/cases/<reference>/: the page that reminder e-mails and webhooks link to.

A reminder carries only a case reference and this link. Who opens it sees the case
through the visibility layer like everywhere else: staff are sent on to the admin page;
anyone else (a campaigner on an e-mail list, a partner) sees the records their grants
allow — for an anonymous reader, the public records of a case whose consent allows it —
and a case they may not see is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.models import Case, Hearing, TimelineEvent
from casetracker.permissions import can_use_admin, permission_decision
from casetracker.visibility import Viewer, visible


@permission_decision("visibility layer: a case the reader may not see is a 404")
@never_cache
@require_GET
def case_page(request, reference: str):
    viewer = Viewer.for_user(request.user)
    case = get_object_or_404(visible(viewer, Case).select_related("person"), reference=reference)
    if can_use_admin(viewer):
        return redirect(reverse("admin:cases_case_change", args=[case.pk]))
    viewer = viewer.without_restricted()  # restricted content is shown only in the admin
    today = dt.date.today()
    context = {
        "case": case,
        "person": visible(viewer, case.person.__class__).filter(pk=case.person_id).first()
        if case.person_id
        else None,
        "days": case.days_detained(today=today),
        "events": visible(viewer, TimelineEvent).filter(case=case),
        "hearings": visible(viewer, Hearing).filter(
            case=case, date__gte=today, status=Hearing.Status.SCHEDULED
        ),
    }
    return render(request, "cases/case_page.html", context)
