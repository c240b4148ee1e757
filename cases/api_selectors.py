"""Reads for the API that span models. Every related queryset is itself passed through
the visibility layer, so a case never carries a charge, hearing, person or campaign its
reader may not see. Prefetches keep the query count independent of the page size."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from campaigns.models import Campaign
from cases.models import Charge, ChargeDocument, Detention, Hearing, Source
from casetracker.visibility import Viewer, visible
from people.models import Person, PersonAlias

ENDED_CHARGE_STATUSES = (Charge.Status.DROPPED, Charge.Status.ACQUITTED)


def people_for_api(viewer: Viewer, qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("aliases", queryset=PersonAlias.objects.order_by("pk")))


def cases_for_api(viewer: Viewer, qs: QuerySet, *, today: dt.date | None = None) -> QuerySet:
    today = today or dt.date.today()
    charges = (
        visible(viewer, Charge)
        .filter(document__is_current=True)
        .exclude(status__in=ENDED_CHARGE_STATUSES)
        .order_by("position", "pk")
    )
    detentions = (
        visible(viewer, Detention)
        .filter(end__isnull=True)
        .select_related("facility")
        .order_by("-start", "-pk")
    )
    hearings = (
        visible(viewer, Hearing)
        .filter(date__gte=today, status=Hearing.Status.SCHEDULED)
        .order_by("date", "time", "pk")
    )
    return qs.select_related("owner").prefetch_related(
        Prefetch("person", queryset=people_for_api(viewer, visible(viewer, Person))),
        Prefetch("charges", queryset=charges, to_attr="api_current_charges"),
        Prefetch("detentions", queryset=detentions, to_attr="api_open_detentions"),
        Prefetch("hearings", queryset=hearings, to_attr="api_upcoming_hearings"),
        Prefetch(
            "campaigns",
            queryset=visible(viewer, Campaign).order_by("pk"),
            to_attr="api_campaigns",
        ),
    )


def case_records_for_api(viewer: Viewer, qs: QuerySet) -> QuerySet:
    """Events, charges, hearings, detentions: their source link only when it is visible."""
    qs = qs.prefetch_related(Prefetch("source", queryset=visible(viewer, Source)))
    model = qs.model
    if model is Charge:
        qs = qs.prefetch_related(Prefetch("document", queryset=visible(viewer, ChargeDocument)))
    elif model is Detention:
        qs = qs.select_related("facility")
    elif model is Hearing:
        qs = qs.prefetch_related(
            Prefetch("next_hearing", queryset=visible(viewer, Hearing)),
            Prefetch("postponed_from", queryset=visible(viewer, Hearing)),
        )
    return qs.select_related("case")


def campaigns_for_api(viewer: Viewer, qs: QuerySet) -> QuerySet:
    from cases.models import Case

    return qs.prefetch_related(
        "organisers",
        Prefetch(
            "cases",
            queryset=visible(viewer, Case).order_by("pk").only("pk"),
            to_attr="api_cases",
        ),
    )
