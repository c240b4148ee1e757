from __future__ import annotations

import django_filters

from cases.filters import BOOLEAN_CHOICES, COUNTRY_CHOICES, UpdatedSinceFilterSet
from people.models import Organisation, Person


class PersonFilterSet(UpdatedSinceFilterSet):
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)

    class Meta:
        model = Person
        fields: list[str] = []


class OrganisationFilterSet(UpdatedSinceFilterSet):
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    is_member = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "true"
    )

    class Meta:
        model = Organisation
        fields: list[str] = []
