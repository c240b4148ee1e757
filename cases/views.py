"""Case API views: parse, call a selector or service, serialize."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases import api_services
from cases.api_rows import case_representations, case_rows
from cases.api_selectors import case_records_for_api
from cases.filters import (
    CaseFilterSet,
    ChargeFilterSet,
    DetentionFilterSet,
    HearingFilterSet,
    TimelineEventFilterSet,
)
from cases.models import Case, Charge, Detention, Hearing, Source, TimelineEvent
from cases.permissions import can_create_case, writable_tiers
from cases.serializers import (
    CaseSerializer,
    CaseWriteSerializer,
    ChargeSerializer,
    DetentionSerializer,
    HearingSerializer,
    SourceSerializer,
    TimelineEventSerializer,
)
from casetracker.api.base import VisibleQuerysetMixin, etag_for, etag_of
from casetracker.api.pagination import cursor_pagination
from casetracker.visibility import visible

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the record as last read; 412 when it changed since, 428 when absent.",
)
WRITE_ERRORS = {
    400: OpenApiResponse(description="Validation error, by field"),
    403: OpenApiResponse(description="You may read but not edit this case"),
    404: OpenApiResponse(description="No such case visible to you"),
}
UPDATE_ERRORS = {
    **WRITE_ERRORS,
    412: OpenApiResponse(description="Stale If-Match"),
    428: OpenApiResponse(description="If-Match missing"),
}


class ETagRetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(self.get_serializer(obj).data, headers={"ETag": etag_for(obj)})


class CaseWriteMixin:
    """Create/update through api_services; respond with the read representation + ETag."""

    write_serializer_class = None

    def _respond(self, obj, code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=obj.pk)  # re-read with the reader's prefetches
        data = self.get_serializer(obj).data
        return Response(data, status=code, headers={"ETag": etag_for(obj)})

    def _validated(self, instance=None, partial=False) -> dict:
        serializer = (self.write_serializer_class or self.get_serializer_class())(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _update(self, partial: bool):
        instance = self.get_object()
        tiers = writable_tiers(self.viewer, self.case_of(instance))
        if not tiers:
            raise PermissionDenied()
        data = self._validated(instance, partial=partial)
        obj = api_services.record_update(
            instance=instance,
            data=data,
            if_match=self.request.headers.get("If-Match"),
            allowed_tiers=tiers,
        )
        return self._respond(obj)

    def case_of(self, instance):
        return instance.case

    def update(self, request, *args, **kwargs):
        return self._update(partial=False)

    def partial_update(self, request, *args, **kwargs):
        return self._update(partial=True)


@extend_schema(tags=["cases"])
class CaseViewSet(
    CaseWriteMixin,
    ETagRetrieveMixin,
    VisibleQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases you may see; caseworkers of the owning (or an edit-sharing) organisation write."""

    model = Case
    lookup_value_regex = r"\d+"
    serializer_class = CaseSerializer
    write_serializer_class = CaseWriteSerializer
    filterset_class = CaseFilterSet
    pagination_class = cursor_pagination("pk")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def case_of(self, instance):
        return instance

    # Reads build the representation from column tuples (cases/api_rows.py; equal to
    # CaseSerializer's by test), not through model instances and DRF fields.
    def _rows(self):
        return case_rows(self.viewer, self.filter_queryset(visible(self.viewer, Case)))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._rows())
        return self.get_paginated_response(case_representations(self.viewer, page))

    def retrieve(self, request, *args, **kwargs):
        row = get_object_or_404(self._rows(), pk=self.kwargs["pk"])
        data = case_representations(self.viewer, [row])[0]
        return Response(data, headers={"ETag": etag_of(row["pk"], row["updated_at"])})

    def _respond(self, obj, code=status.HTTP_200_OK):
        row = case_rows(self.viewer, visible(self.viewer, Case).filter(pk=obj.pk)).get()
        data = case_representations(self.viewer, [row])[0]
        return Response(data, status=code, headers={"ETag": etag_of(row["pk"], row["updated_at"])})

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseSerializer, **WRITE_ERRORS})
    def create(self, request, *args, **kwargs):
        if not can_create_case(self.viewer):
            raise PermissionDenied()
        data = self._validated()
        person_name = data.pop("person_name", "")
        case = api_services.case_create(
            owner_id=self.viewer.organisation_id,
            data=data,
            allowed_tiers=self.viewer.own_tiers(),
            person_name=person_name,
        )
        return self._respond(case, status.HTTP_201_CREATED)

    def _validated(self, instance=None, partial=False) -> dict:
        data = super()._validated(instance, partial)
        if instance is not None and "person_name" in data:
            data.pop("person_name")
        return data

    @extend_schema(
        request=CaseWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: CaseSerializer, **UPDATE_ERRORS},
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=CaseWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: CaseSerializer, **UPDATE_ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


class CaseChildViewSet(
    CaseWriteMixin,
    ETagRetrieveMixin,
    VisibleQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """/cases/{case_pk}/<records>/: visible only through a visible case."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(visible(self.viewer, Case), pk=self.kwargs["case_pk"])

    def base_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.model._default_manager.filter(case=self.case)

    def decorate(self, qs):
        return case_records_for_api(self.viewer, qs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "case_pk" in self.kwargs:
            context["case"] = self.case
        return context

    def create(self, request, *args, **kwargs):
        tiers = writable_tiers(self.viewer, self.case)
        if not tiers:
            raise PermissionDenied()
        obj = api_services.record_create(
            model=self.model, case=self.case, data=self._validated(), allowed_tiers=tiers
        )
        return self._respond(obj, status.HTTP_201_CREATED)


def _child_viewset(model, serializer, filterset, ordering, tag):
    writes = {"request": serializer}
    schema = {
        "create": extend_schema(**writes, responses={201: serializer, **WRITE_ERRORS}),
        "update": extend_schema(
            **writes, parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}
        ),
        "partial_update": extend_schema(
            **writes, parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}
        ),
    }
    attrs = {
        "model": model,
        "serializer_class": serializer,
        "filterset_class": filterset,
        "pagination_class": cursor_pagination(*ordering),
        "__doc__": f"{model._meta.verbose_name_plural.capitalize()} of one case.",
    }
    cls = type(f"Case{model.__name__}ViewSet", (CaseChildViewSet,), attrs)
    return extend_schema(tags=[tag])(extend_schema_view(**schema)(cls))


CaseEventViewSet = _child_viewset(
    TimelineEvent,
    TimelineEventSerializer,
    TimelineEventFilterSet,
    ("date", "date_precision", "pk"),
    "timeline",
)
CaseChargeViewSet = _child_viewset(Charge, ChargeSerializer, ChargeFilterSet, ("pk",), "charges")
CaseHearingViewSet = _child_viewset(
    Hearing, HearingSerializer, HearingFilterSet, ("date", "date_precision", "pk"), "hearings"
)
CaseDetentionViewSet = _child_viewset(
    Detention, DetentionSerializer, DetentionFilterSet, ("pk",), "detentions"
)


@extend_schema(tags=["sources"])
class CaseSourceViewSet(VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Sources of one case (read-only)."""

    model = Source
    serializer_class = SourceSerializer
    pagination_class = cursor_pagination("pk")

    def base_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Source.objects.none()
        case = get_object_or_404(visible(self.viewer, Case), pk=self.kwargs["case_pk"])
        return Source.objects.filter(case=case).select_related("case")


@extend_schema(tags=["hearings"])
class HearingViewSet(ETagRetrieveMixin, VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Hearings across every case you may see."""

    model = Hearing
    lookup_value_regex = r"\d+"
    serializer_class = HearingSerializer
    filterset_class = HearingFilterSet
    pagination_class = cursor_pagination("date", "date_precision", "pk")

    def decorate(self, qs):
        return case_records_for_api(self.viewer, qs)

    # A paginated list like the collection (the schema said "one hearing" before, which
    # schemathesis caught: tests/api/test_schemathesis.py).
    @extend_schema(responses=HearingSerializer(many=True))
    @action(detail=False)
    def upcoming(self, request):
        """Scheduled hearings from today on, soonest first."""
        qs = self.filter_queryset(self.get_queryset()).filter(
            date__gte=dt.date.today(), status=Hearing.Status.SCHEDULED
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
