"""Reads for the API that span models. Every related queryset is itself passed through
the visibility layer, so a case never carries a charge, hearing, person or campaign its
reader may not see. Prefetches keep the query count independent of the page size."""

from __future__ import annotations

import datetime as dt
from functools import partial
from itertools import islice

from django.db.models import Prefetch, QuerySet

from campaigns.models import Campaign
from cases.models import Charge, ChargeDocument, Detention, Hearing, Source
from casetracker.visibility import Viewer, case_records_q, visible
from people.models import Person, PersonAlias

ENDED_CHARGE_STATUSES = (Charge.Status.DROPPED, Charge.Status.ACQUITTED)


def people_for_api(viewer: Viewer, qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("aliases", queryset=PersonAlias.objects.order_by("pk")))


class _PageScopedQuerySet:
    """Mixin for the API's case querysets: once a page of cases is fetched, attach their
    current charges, open detentions and upcoming hearings with one query each, filtered by
    ``case_records_q`` (the page-scoped form of ``visible()``, see casetracker/visibility.py)
    instead of re-running the case visibility predicate for every child table."""

    _attach_children = None

    def _clone(self):
        clone = super()._clone()
        clone._attach_children = self._attach_children
        return clone

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        if self._attach_children is not None:
            self._attach_children(self._result_cache)

    def _iterator(self, use_chunked_fetch, chunk_size):
        # .iterator(chunk_size=…) (the CSV export) prefetches per chunk; attach per chunk too.
        rows = super()._iterator(use_chunked_fetch, chunk_size)
        if self._attach_children is None:
            yield from rows
            return
        while chunk := list(islice(rows, chunk_size or 100)):
            self._attach_children(chunk)
            yield from chunk


_page_scoped_classes: dict[type, type] = {}


def _page_scoped(qs: QuerySet, attach) -> QuerySet:
    cls = qs.__class__
    if not issubclass(cls, _PageScopedQuerySet):
        if cls not in _page_scoped_classes:
            _page_scoped_classes[cls] = type(
                f"PageScoped{cls.__name__}", (_PageScopedQuerySet, cls), {}
            )
        qs = qs._chain()
        qs.__class__ = _page_scoped_classes[cls]
    qs._attach_children = attach
    return qs


def _partial(name: str) -> tuple[str, ...]:
    # The columns a PartialDateField contributes (casetracker/fields.py).
    return (name, f"{name}_precision", f"{name}_approximate", f"{name}_as_written")


def attach_case_children(viewer: Viewer, cases: list, *, today: dt.date) -> None:
    """Set api_current_charges / api_open_detentions / api_upcoming_hearings on ``cases``."""
    if not cases:
        return
    children_q = case_records_q(viewer, cases)
    charges = (
        Charge.objects.filter(children_q, document__is_current=True)
        .exclude(status__in=ENDED_CHARGE_STATUSES)
        .order_by("position", "pk")
        .only("case_id", "law", "section", "description", "status")
    )
    detentions = (
        Detention.objects.filter(children_q, end__isnull=True)
        .select_related("facility")
        .order_by("-start", "-pk")
        .only("case_id", "type", "place", *_partial("start"), "facility")
    )
    hearings = (
        Hearing.objects.filter(children_q, date__gte=today, status=Hearing.Status.SCHEDULED)
        .order_by("date", "time", "pk")
        .only("case_id", *_partial("date"), "time", "timezone", "court", "kind")
    )
    for attr, rows in (
        ("api_current_charges", charges),
        ("api_open_detentions", detentions),
        ("api_upcoming_hearings", hearings),
    ):
        by_case: dict[int, list] = {}
        for row in rows:
            by_case.setdefault(row.case_id, []).append(row)
        for case in cases:
            setattr(case, attr, by_case.get(case.pk, []))


def cases_for_api(viewer: Viewer, qs: QuerySet, *, today: dt.date | None = None) -> QuerySet:
    today = today or dt.date.today()
    qs = qs.select_related("owner").prefetch_related(
        Prefetch("person", queryset=people_for_api(viewer, visible(viewer, Person))),
        Prefetch(
            "campaigns",
            queryset=visible(viewer, Campaign).order_by("pk"),
            to_attr="api_campaigns",
        ),
    )
    return _page_scoped(qs, partial(attach_case_children, viewer, today=today))


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
