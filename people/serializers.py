from __future__ import annotations

from rest_framework import serializers

from casetracker.api.base import ApiModelSerializer, partial_date
from people.models import Organisation, Person


class OrganisationSerializer(ApiModelSerializer):
    class Meta:
        model = Organisation
        fields = (
            "id",
            "name",
            "acronym",
            "country",
            "kind",
            "is_member",
            "website",
            "description",
            "updated_at",
        )
        read_only_fields = fields


class PersonSerializer(ApiModelSerializer):
    aliases = serializers.SerializerMethodField()
    birth_date = partial_date("birth_date", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = (
            "id",
            "primary_name",
            "native_name",
            "aliases",
            "roles",
            "country",
            "gender",
            "birth_date",
            "bio",
            "tier",
            "updated_at",
        )
        read_only_fields = fields

    def get_aliases(self, person) -> list[str]:
        return [a.name for a in person.aliases.all()]
