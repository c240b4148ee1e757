from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from cases.api_selectors import people_for_api
from casetracker.api.base import VisibleQuerysetMixin
from casetracker.api.pagination import cursor_pagination
from people.filters import OrganisationFilterSet, PersonFilterSet
from people.models import Organisation, Person
from people.serializers import OrganisationSerializer, PersonSerializer


@extend_schema(tags=["people"])
class PersonViewSet(VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """People in cases you may see (their own tier permitting)."""

    model = Person
    lookup_value_regex = r"\d+"
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    pagination_class = cursor_pagination("pk")

    def decorate(self, qs):
        return people_for_api(self.viewer, qs)


@extend_schema(tags=["organisations"])
class OrganisationViewSet(VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Organisation
    lookup_value_regex = r"\d+"
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    pagination_class = cursor_pagination("pk")
