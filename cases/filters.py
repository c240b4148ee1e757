"""FilterSets for the case API. Filters that look into a case's records consider only
records the caller may see, so a filter can never reveal a hidden charge or hearing."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Campaign
from cases.models import Case, Charge, Detention, Hearing, TimelineEvent
from casetracker.api.filtering import ApiFilterSet
from casetracker.visibility import Viewer, visible
from people.models import Person, PersonAlias

COUNTRY_CHOICES = [(code, name) for code, name in countries]
MAX_Q_LENGTH = 200
BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


def text_search_q(viewer: Viewer, text: str) -> Q:
    """Cases whose title/summary match, or whose *visible* person's name or alias does.

    PostgreSQL: full-text search with the 'simple' configuration (no stemming, every
    script), using the GIN indexes of migrations people/0003 and cases/0003. Elsewhere a
    case-insensitive substring match.
    """
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="simple")
        cases = Case.objects.annotate(
            _fts=SearchVector("title", "summary", config="simple")
        ).filter(_fts=query)
        people = Person.objects.annotate(
            _fts=SearchVector("primary_name", "native_name", config="simple")
        ).filter(_fts=query)
        aliases = PersonAlias.objects.annotate(_fts=SearchVector("name", config="simple")).filter(
            _fts=query
        )
    else:
        cases = Case.objects.filter(Q(title__icontains=text) | Q(summary__icontains=text))
        people = Person.objects.filter(
            Q(primary_name__icontains=text) | Q(native_name__icontains=text)
        )
        aliases = PersonAlias.objects.filter(name__icontains=text)
    named = Q(person__in=people.values("pk")) | Q(person__in=aliases.values("person_id"))
    return Q(pk__in=cases.values("pk")) | (
        named & Q(person__in=visible(viewer, Person).values("pk"))
    )


def _visible_child(viewer: Viewer, model, **lookups) -> Exists:
    return Exists(visible(viewer, model).filter(case=OuterRef("pk"), **lookups))


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC before it reaches the database.

    PostgreSQL refuses UTC offsets beyond ±15:59 that Python accepts ("-19:19" was a 500,
    found by schemathesis); in UTC any offset is fine, and a value that leaves the
    calendar when converted is a 400.
    """

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        try:
            return value.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise ValidationError(_("Date-time out of range."), code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class UpdatedSinceFilterSet(ApiFilterSet):
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after this ISO 8601 date-time"),
    )


class CaseFilterSet(UpdatedSinceFilterSet):
    reference = django_filters.CharFilter(max_length=40)
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, label=_("ISO 3166-1 code"))
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Owning organisation id"))
    campaign = django_filters.NumberFilter(method="filter_campaign", label=_("Campaign id"))
    charge_law = django_filters.CharFilter(
        method="filter_charge_law", max_length=255, label=_("Charged under this law (contains)")
    )
    charge_section = django_filters.CharFilter(
        method="filter_charge_section", max_length=40, label=_("Charged under this section")
    )
    facility = django_filters.NumberFilter(
        method="filter_facility", label=_("Detained (now or before) in this facility id")
    )
    # A choice, not BooleanFilter: that one reads "maybe" as "no filter" instead of an error.
    has_upcoming_hearing = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_has_upcoming_hearing"
    )
    hearing_after = django_filters.DateFilter(
        method="filter_hearing_after", label=_("Has a hearing on or after this date")
    )
    hearing_before = django_filters.DateFilter(
        method="filter_hearing_before", label=_("Has a hearing on or before this date")
    )
    detained_since_after = django_filters.DateFilter(field_name="detained_since", lookup_expr="gte")
    detained_since_before = django_filters.DateFilter(
        field_name="detained_since", lookup_expr="lte"
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=MAX_Q_LENGTH, label=_("Names, aliases and summaries")
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_campaign(self, qs, name, value):
        campaigns = visible(self.viewer, Campaign).filter(pk=value)
        return qs.filter(Exists(campaigns.filter(cases=OuterRef("pk"))))

    def filter_charge_law(self, qs, name, value):
        return qs.filter(_visible_child(self.viewer, Charge, law__icontains=value))

    def filter_charge_section(self, qs, name, value):
        return qs.filter(_visible_child(self.viewer, Charge, section__iexact=value.strip()))

    def filter_facility(self, qs, name, value):
        return qs.filter(_visible_child(self.viewer, Detention, facility_id=value))

    def filter_has_upcoming_hearing(self, qs, name, value):
        upcoming = _visible_child(
            self.viewer, Hearing, date__gte=dt.date.today(), status=Hearing.Status.SCHEDULED
        )
        return qs.filter(upcoming if value == "true" else ~upcoming)

    def filter_hearing_after(self, qs, name, value):
        return qs.filter(_visible_child(self.viewer, Hearing, date__gte=value))

    def filter_hearing_before(self, qs, name, value):
        return qs.filter(_visible_child(self.viewer, Hearing, date__lte=value))

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(text_search_q(self.viewer, value)) if value else qs


class TimelineEventFilterSet(UpdatedSinceFilterSet):
    type = django_filters.ChoiceFilter(choices=TimelineEvent.Type.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = TimelineEvent
        fields: list[str] = []


class HearingFilterSet(UpdatedSinceFilterSet):
    case = django_filters.NumberFilter(field_name="case_id")
    country = django_filters.ChoiceFilter(field_name="case__country", choices=COUNTRY_CHOICES)
    kind = django_filters.ChoiceFilter(choices=Hearing.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Hearing.Status.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Hearing
        fields: list[str] = []


class ChargeFilterSet(UpdatedSinceFilterSet):
    law = django_filters.CharFilter(field_name="law", lookup_expr="icontains", max_length=255)
    section = django_filters.CharFilter(field_name="section", lookup_expr="iexact", max_length=40)

    class Meta:
        model = Charge
        fields: list[str] = []


class DetentionFilterSet(UpdatedSinceFilterSet):
    type = django_filters.ChoiceFilter(choices=Detention.Type.choices)
    facility = django_filters.NumberFilter(field_name="facility_id")

    class Meta:
        model = Detention
        fields: list[str] = []
