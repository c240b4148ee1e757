from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from campaigns.filters import CampaignFilterSet
from campaigns.models import Campaign
from campaigns.serializers import CampaignSerializer
from cases.api_selectors import campaigns_for_api
from casetracker.api.base import VisibleQuerysetMixin
from casetracker.api.pagination import cursor_pagination


@extend_schema(tags=["campaigns"])
class CampaignViewSet(VisibleQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    model = Campaign
    lookup_value_regex = r"\d+"
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    pagination_class = cursor_pagination("pk")

    def decorate(self, qs):
        return campaigns_for_api(self.viewer, qs)
