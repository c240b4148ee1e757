from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from campaigns.models import Campaign
from cases.filters import UpdatedSinceFilterSet
from cases.models import Case
from casetracker.api.filtering import IdFilter
from casetracker.visibility import visible


class CampaignFilterSet(UpdatedSinceFilterSet):
    hashtag = django_filters.CharFilter(lookup_expr="iexact", max_length=100)
    case = IdFilter(method="filter_case")

    class Meta:
        model = Campaign
        fields: list[str] = []

    def filter_case(self, qs, name, value):
        cases = visible(self.viewer, Case).filter(pk=value)
        return qs.filter(Exists(cases.filter(campaigns=OuterRef("pk"))))
