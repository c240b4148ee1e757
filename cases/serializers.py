"""Case API serializers. Reads embed only what the reader may see (see api_selectors)."""

from __future__ import annotations

import datetime as dt

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    Case,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    Source,
    TimelineEvent,
)
from casetracker.api.base import ApiModelSerializer, partial_date
from casetracker.api.fields import DaysField, SafeCharField
from casetracker.visibility import visible
from people.models import Person

RECORD_META_FIELDS = ("id", "case", "case_reference", "tier", "source", "created_at", "updated_at")


class PersonBriefSerializer(ApiModelSerializer):
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ("id", "primary_name", "native_name", "aliases")

    def get_aliases(self, person) -> list[str]:
        return [a.name for a in person.aliases.all()]


class FacilitySerializer(ApiModelSerializer):
    class Meta:
        model = Facility
        fields = ("id", "name", "city", "country", "kind")


class DetentionBriefSerializer(ApiModelSerializer):
    facility = FacilitySerializer(read_only=True)
    start = partial_date("start", read_only=True)

    class Meta:
        model = Detention
        fields = ("id", "type", "facility", "place", "start")


class ChargeBriefSerializer(ApiModelSerializer):
    class Meta:
        model = Charge
        fields = ("id", "law", "section", "description", "status")


class HearingBriefSerializer(ApiModelSerializer):
    date = partial_date("date", read_only=True)

    class Meta:
        model = Hearing
        fields = ("id", "date", "time", "timezone", "court", "kind")


class CampaignBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    hashtag = serializers.CharField()


class OrganisationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    acronym = serializers.CharField()


class CaseSerializer(ApiModelSerializer):
    """A case as partners read it; staff also get the consent record and assessment."""

    person = PersonBriefSerializer(read_only=True, allow_null=True)
    owner = OrganisationBriefSerializer(read_only=True)
    detained_since = partial_date("detained_since", read_only=True, allow_null=True)
    released_on = partial_date("released_on", read_only=True, allow_null=True)
    days_detained = serializers.SerializerMethodField()
    current_detention = serializers.SerializerMethodField()
    current_charges = serializers.SerializerMethodField()
    next_hearing = serializers.SerializerMethodField()
    campaigns = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = (
            "id",
            "reference",
            "title",
            "kind",
            "person",
            "group_name",
            "group_size",
            "country",
            "status",
            "summary",
            "language",
            "owner",
            "tier",
            "detained_since",
            "released_on",
            "days_detained",
            "verdict_reached",
            "consent",
            "wgad_categories",
            "current_detention",
            "current_charges",
            "next_hearing",
            "campaigns",
            "created_at",
            "updated_at",
            "consent_given_by",
            "consent_date",
            "consent_note",
            "legal_assessment",
        )
        staff_fields = ("consent_given_by", "consent_date", "consent_note", "legal_assessment")
        read_only_fields = fields

    # The nested serializers are built once per CaseSerializer (once per page with
    # many=True), not once per case: building a ModelSerializer's fields walks the model
    # and the country choices, which cost ~1 ms per row and dominated list pages.
    @cached_property
    def _days(self) -> DaysField:
        return DaysField()

    @cached_property
    def _detention(self) -> DetentionBriefSerializer:
        return DetentionBriefSerializer(context=self.context)

    @cached_property
    def _charges(self) -> serializers.ListSerializer:
        return ChargeBriefSerializer(many=True, context=self.context)

    @cached_property
    def _hearing(self) -> HearingBriefSerializer:
        return HearingBriefSerializer(context=self.context)

    @cached_property
    def _campaigns(self) -> serializers.ListSerializer:
        return CampaignBriefSerializer(many=True)

    @extend_schema_field(DaysField(allow_null=True))
    def get_days_detained(self, case):
        return self._days.to_representation(case.days_detained(today=dt.date.today()))

    @extend_schema_field(DetentionBriefSerializer(allow_null=True))
    def get_current_detention(self, case):
        open_ = getattr(case, "api_open_detentions", None)
        return self._detention.to_representation(open_[0]) if open_ else None

    @extend_schema_field(ChargeBriefSerializer(many=True))
    def get_current_charges(self, case):
        return self._charges.to_representation(getattr(case, "api_current_charges", []))

    @extend_schema_field(HearingBriefSerializer(allow_null=True))
    def get_next_hearing(self, case):
        upcoming = getattr(case, "api_upcoming_hearings", None)
        return self._hearing.to_representation(upcoming[0]) if upcoming else None

    @extend_schema_field(CampaignBriefSerializer(many=True))
    def get_campaigns(self, case):
        return self._campaigns.to_representation(getattr(case, "api_campaigns", []))


class CaseWriteSerializer(ApiModelSerializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True
    )
    person_name = SafeCharField(
        required=False,
        max_length=255,
        write_only=True,
        help_text=_("Create a new person with this name for the case (instead of 'person')."),
    )
    detained_since = partial_date("detained_since", required=False, allow_null=True)
    released_on = partial_date("released_on", required=False, allow_null=True)

    class Meta:
        model = Case
        fields = (
            "title",
            "kind",
            "person",
            "person_name",
            "group_name",
            "group_size",
            "country",
            "status",
            "summary",
            "language",
            "tier",
            "detained_since",
            "released_on",
            "verdict_reached",
            "consent",
            "consent_given_by",
            "consent_date",
            "consent_note",
            "wgad_categories",
            "legal_assessment",
        )

    def get_fields(self):
        fields = super().get_fields()
        viewer = self.context.get("viewer")
        if viewer is not None:  # a writer may link only people they can see
            fields["person"].queryset = visible(viewer, Person)
        return fields

    def validate_wgad_categories(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise serializers.ValidationError(_('A list such as ["I", "III"].'))
        return value


class CaseRecordSerializer(ApiModelSerializer):
    """Shared by events, charges, hearings, detentions: provenance and the case reference."""

    case_reference = serializers.CharField(source="case.reference", read_only=True)
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.none(), required=False, allow_null=True
    )

    # Foreign keys shown only when the linked record is visible to the reader: the
    # prefetch (api_selectors) leaves the attribute None otherwise, but DRF would read
    # the raw "<name>_id" column.
    linked_records = ("source",)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in self.linked_records:
            if name in data and getattr(instance, name) is None:
                data[name] = None
        return data

    def get_fields(self):
        fields = super().get_fields()
        case = self.context.get("case")
        viewer = self.context.get("viewer")
        if case is not None and viewer is not None and "source" in fields:
            fields["source"].queryset = visible(viewer, Source).filter(case=case)
        return fields


def _meta(model, *fields, read_only=()):
    return type(
        "Meta",
        (),
        {
            "model": model,
            "fields": RECORD_META_FIELDS + fields + ("edited",),
            "read_only_fields": ("case", "edited", *read_only),
            "staff_fields": ("edited",),
        },
    )


class TimelineEventSerializer(CaseRecordSerializer):
    date = partial_date("date")

    Meta = _meta(TimelineEvent, "date", "type", "summary", "line")


class ChargeDocumentBriefSerializer(ApiModelSerializer):
    date = partial_date("date", read_only=True, allow_null=True)

    class Meta:
        model = ChargeDocument
        fields = ("id", "kind", "title", "date", "is_current")


class ChargeSerializer(CaseRecordSerializer):
    document = ChargeDocumentBriefSerializer(read_only=True, allow_null=True)
    document_id = serializers.PrimaryKeyRelatedField(
        source="document",
        queryset=ChargeDocument.objects.none(),
        required=False,
        allow_null=True,
        write_only=True,
    )

    Meta = _meta(
        Charge, "document", "document_id", "law", "section", "description", "status", "position"
    )

    def get_fields(self):
        fields = super().get_fields()
        case, viewer = self.context.get("case"), self.context.get("viewer")
        if case is not None and viewer is not None:
            fields["document_id"].queryset = visible(viewer, ChargeDocument).filter(case=case)
        return fields


class HearingSerializer(CaseRecordSerializer):
    linked_records = ("source", "next_hearing", "postponed_from")
    date = partial_date("date")
    next_hearing = serializers.PrimaryKeyRelatedField(
        queryset=Hearing.objects.none(), required=False, allow_null=True
    )
    postponed_from = serializers.PrimaryKeyRelatedField(
        queryset=Hearing.objects.none(), required=False, allow_null=True
    )

    Meta = _meta(
        Hearing,
        "court",
        "date",
        "time",
        "timezone",
        "kind",
        "status",
        "outcome",
        "custody_days",
        "custody_until",
        "next_hearing",
        "postponed_from",
    )

    def get_fields(self):
        fields = super().get_fields()
        case, viewer = self.context.get("case"), self.context.get("viewer")
        if case is not None and viewer is not None:
            same_case = visible(viewer, Hearing).filter(case=case)
            fields["next_hearing"].queryset = same_case
            fields["postponed_from"].queryset = same_case
        return fields


class DetentionSerializer(CaseRecordSerializer):
    start = partial_date("start", required=False, allow_null=True)
    end = partial_date("end", required=False, allow_null=True)
    facility = FacilitySerializer(read_only=True, allow_null=True)
    facility_id = serializers.PrimaryKeyRelatedField(
        source="facility",
        queryset=Facility.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
    )

    Meta = _meta(
        Detention, "facility", "facility_id", "place", "type", "start", "end", "legal_basis"
    )


class SourceSerializer(ApiModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    date = partial_date("date", read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = (
            "id",
            "case",
            "case_reference",
            "title",
            "publisher",
            "date",
            "url",
            "article_title",
            "reliability",
            "tier",
            "seed_document",
        )
        read_only_fields = fields
        staff_fields = ("seed_document",)
