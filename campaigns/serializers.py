from __future__ import annotations

from rest_framework import serializers

from campaigns.models import Campaign
from casetracker.api.base import ApiModelSerializer, partial_date


class CampaignSerializer(ApiModelSerializer):
    start = partial_date("start", read_only=True, allow_null=True)
    end = partial_date("end", read_only=True, allow_null=True)
    organisers = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = (
            "id",
            "slug",
            "title",
            "hashtag",
            "start",
            "end",
            "owner",
            "organisers",
            "target",
            "cases",
            "statement_text",
            "statement_url",
            "anonymous_signatory_count",
            "tier",
            "updated_at",
            "seed_document",
        )
        read_only_fields = fields
        staff_fields = ("seed_document",)

    def get_organisers(self, campaign) -> list[int]:
        return [o.pk for o in campaign.organisers.all()]

    def get_cases(self, campaign) -> list[int]:
        """Only the linked cases the reader may see (prefetched through visibility)."""
        return [c.pk for c in getattr(campaign, "api_cases", [])]
