"""CSV export of a filtered case list, through the same visibility layer and filters.

Spreadsheets run a cell starting with = + - @ (or a tab/CR before one) as a formula;
such cells get a leading apostrophe ("CSV injection", OWASP).
"""

from __future__ import annotations

import csv
import datetime as dt

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics

from cases.api_selectors import cases_for_api
from cases.filters import CaseFilterSet
from cases.models import Case
from casetracker import audit
from casetracker.api.base import CanExport, viewer_for
from casetracker.visibility import visible

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "id",
    "reference",
    "title",
    "person",
    "country",
    "status",
    "owner",
    "detained_since",
    "days_detained_min",
    "days_detained_max",
    "current_detention",
    "current_charges",
    "next_hearing",
    "campaigns",
    "updated_at",
]


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def case_row(case, today: dt.date) -> list[str]:
    days = case.days_detained(today=today)
    partial = case.detained_since_partial
    detention = (case.api_open_detentions or [None])[0]
    hearing = (case.api_upcoming_hearings or [None])[0]
    row = [
        case.pk,
        case.reference,
        case.title,
        case.person.primary_name if case.person else case.group_name,
        case.country.code,
        case.status,
        case.owner.name,
        partial.edtf() if partial else "",
        days.low if days else "",
        days.high if days else "",
        str(detention.facility or detention.place) if detention else "",
        "; ".join(f"{c.law} {c.section}".strip() for c in case.api_current_charges),
        hearing.date_partial.iso() if hearing else "",
        "; ".join(c.hashtag or c.title for c in case.api_campaigns),
        case.updated_at.isoformat(),
    ]
    return [neutralise(v) for v in row]


class _Echo:
    def write(self, value):
        return value


@extend_schema(
    tags=["cases"],
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")},
)
class CaseCsvExportView(generics.GenericAPIView):
    """The case list as CSV, with the same filters as /cases/ (no pagination)."""

    filterset_class = CaseFilterSet
    model = Case
    pagination_class = None
    permission_classes = [CanExport]

    def get_queryset(self):
        # The rows read model instances with their page-scoped children (chunk by chunk).
        viewer = viewer_for(self.request)
        return cases_for_api(viewer, visible(viewer, Case))

    def get(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset()).order_by("pk")
        audit.record_export(
            model_label="cases.case", count=qs.count(), what=f"cases.csv {request.GET.urlencode()}"
        )
        today = dt.date.today()
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(COLUMNS)
            # chunk_size keeps prefetching per chunk and memory flat on big exports.
            for case in qs.iterator(chunk_size=500):
                yield writer.writerow(case_row(case, today))

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cases.csv"'
        return response
