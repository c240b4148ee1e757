"""/api/v1/changes/: the change feed a partner polls to keep an exact mirror.

Each page scans the next ``page_size`` change-log entries after ``after`` (in commit
order, see cases/changefeed.py) and, for the last entry of each record in the page:
- the record exists and the caller may see it now → ``upsert`` with its current data
  (as the record's own endpoint would return it);
- otherwise → ``delete`` (a tombstone), but only if the feed sent that record to the
  caller's audience before; records the caller never saw are skipped silently.
The caller stores ``next_after`` and polls again; ``has_more`` says whether to go on now.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.serializers import CampaignSerializer
from cases.api_rows import case_representations, case_rows
from cases.api_selectors import campaigns_for_api, case_records_for_api, people_for_api
from cases.changefeed import FEED_KINDS, feed_model
from cases.models import ChangeLogEntry, FeedExposure
from cases.serializers import (
    ChargeSerializer,
    DetentionSerializer,
    HearingSerializer,
    SourceSerializer,
    TimelineEventSerializer,
)
from casetracker.api.base import CanUseApi, viewer_for
from casetracker.api.pagination import MAX_PAGE_SIZE
from casetracker.visibility import Viewer, visible
from people.serializers import OrganisationSerializer, PersonSerializer

DEFAULT_PAGE_SIZE = 100
FEED_KIND_CHOICES = [(k, k) for k in FEED_KINDS]


def _serialized(serializer_class, decorate=lambda viewer, qs: qs):
    """A representer: (viewer, visible queryset, context) → {pk: data}, one serializer per
    page (building a ModelSerializer's fields per record cost ~1 ms each)."""

    def represent(viewer, qs, context) -> dict:
        objects = list(decorate(viewer, qs))
        data = serializer_class(objects, many=True, context=context).data
        return {obj.pk: item for obj, item in zip(objects, data, strict=True)}

    return represent


def _cases(viewer, qs, context) -> dict:
    """Cases as the case endpoints give them (cases/api_rows.py)."""
    return {data["id"]: data for data in case_representations(viewer, case_rows(viewer, qs))}


def _sources(viewer, qs):
    return qs.select_related("case")


REPRESENTATIONS = {
    "organisation": _serialized(OrganisationSerializer),
    "person": _serialized(PersonSerializer, people_for_api),
    "case": _cases,
    "source": _serialized(SourceSerializer, _sources),
    "event": _serialized(TimelineEventSerializer, case_records_for_api),
    "charge": _serialized(ChargeSerializer, case_records_for_api),
    "hearing": _serialized(HearingSerializer, case_records_for_api),
    "detention": _serialized(DetentionSerializer, case_records_for_api),
    "campaign": _serialized(CampaignSerializer, campaigns_for_api),
}
if set(REPRESENTATIONS) != set(FEED_KINDS):  # every logged kind needs a representation
    raise ImportError("casetracker.api.changes: REPRESENTATIONS and FEED_KINDS differ")


def audience_key(viewer: Viewer) -> str:
    """Viewers with the same key see the same records (visibility.py uses nothing else)."""
    return (
        f"o{viewer.organisation_id or 0}:{viewer.role or '-'}:"
        f"{int(viewer.may_read_restricted)}:{int(viewer.is_superuser)}:"
        f"{int(viewer.is_anonymous)}"
    )


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise exceptions.ValidationError(
            {name: [_("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return int(raw)


def _current_representations(viewer: Viewer, keys: set[tuple[str, int]], context) -> dict:
    """(kind, id) → the record's current representation, for the records ``viewer`` may see."""
    ids_by_kind = defaultdict(set)
    for kind, pk in keys:
        ids_by_kind[kind].add(pk)
    found = {}
    for kind, ids in ids_by_kind.items():
        visible_ids = visible(viewer, feed_model(kind)).filter(pk__any=sorted(ids))
        for pk, data in REPRESENTATIONS[kind](viewer, visible_ids, context).items():
            found[(kind, pk)] = data
    return found


def _previously_exposed(audience: str, keys: set[tuple[str, int]]) -> set[tuple[str, int]]:
    if not keys:
        return set()
    condition = Q()
    for kind in {k for k, _pk in keys}:
        condition |= Q(kind=kind, object_id__in=[pk for k, pk in keys if k == kind])
    rows = FeedExposure.objects.filter(condition, audience=audience)
    return set(rows.values_list("kind", "object_id"))


def read_changes(viewer: Viewer, *, after: int, limit: int, context: dict) -> dict:
    entries = list(ChangeLogEntry.objects.filter(id__gt=after).order_by("id")[: limit + 1])
    has_more = len(entries) > limit
    entries = entries[:limit]
    last_seq = {(e.kind, e.object_id): e.id for e in entries}
    current = _current_representations(viewer, set(last_seq), context)
    audience = audience_key(viewer)
    exposed = _previously_exposed(audience, set(last_seq) - set(current))
    results = []
    for key, seq in sorted(last_seq.items(), key=lambda item: item[1]):
        kind, pk = key
        if key in current:
            results.append(
                {"seq": seq, "type": kind, "id": pk, "action": "upsert", "data": current[key]}
            )
        elif key in exposed:
            results.append({"seq": seq, "type": kind, "id": pk, "action": "delete", "data": None})
    FeedExposure.objects.bulk_create(
        [FeedExposure(audience=audience, kind=k, object_id=pk) for k, pk in current],
        ignore_conflicts=True,
    )
    return {
        "results": results,
        "next_after": entries[-1].id if entries else after,
        "has_more": has_more,
    }


class ChangeFeedView(APIView):
    """Created, updated and withdrawn records you may see, in commit order."""

    permission_classes = [CanUseApi]

    @extend_schema(
        tags=["changes"],
        parameters=[
            OpenApiParameter(
                "after", OpenApiTypes.INT, description="next_after of the last page; 0 to start"
            ),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}"),
        ],
        responses=inline_serializer(
            "ChangePage",
            {
                "results": inline_serializer(
                    "Change",
                    {
                        "seq": serializers.IntegerField(),
                        "type": serializers.ChoiceField(choices=FEED_KIND_CHOICES),
                        "id": serializers.IntegerField(),
                        "action": serializers.ChoiceField(choices=["upsert", "delete"]),
                        "data": serializers.DictField(allow_null=True),
                    },
                    many=True,
                ),
                "next_after": serializers.IntegerField(),
                "has_more": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - {"after", "page_size"})
        if unknown:
            raise exceptions.ValidationError({p: [_("Unknown query parameter.")] for p in unknown})
        after = _int_param(request, "after", 0, 0, 2**62)
        limit = _int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        viewer = viewer_for(request)
        context = {"viewer": viewer, "request": request}
        return Response(read_changes(viewer, after=after, limit=limit, context=context))
