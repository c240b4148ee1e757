"""FilterSets for the case API. Filters that look into a case's records consider only
records the caller may see, so a filter can never reveal a hidden charge or hearing."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import Campaign
from cases.models import Case, Charge, Detention, Hearing, TimelineEvent
from casetracker.api.filtering import ApiFilterSet, IdFilter
from casetracker.visibility import Viewer, visible
from people.models import Person, PersonAlias

COUNTRY_CHOICES = [(code, name) for code, name in countries]
MAX_Q_LENGTH = 200
BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


def text_search_q(viewer: Viewer, text: str) -> Q:
    """Cases whose title/summary match, or whose *visible* person's name or alias does.

    PostgreSQL: full-text search with the 'simple' configuration (no stemming, every
    script), using the GIN indexes of migrations people/0004 and cases/0004. Elsewhere a
    case-insensitive substring match.

    Shape of the SQL (issue 7): the title/summary match is a predicate on the case row
    itself, not ``pk IN (all matching cases)``: for a common word the planner can walk the
    page in id order and test a few rows, and for a rare one use the GIN index. The
    person branch applies the (expensive) person visibility to the *matched* people only
    — "matched and visible" is the same set as "visible among the matched".
    """
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="simple")
        own = Q(SearchVectorExact(SearchVector("title", "summary", config="simple"), query))
        people = Person.objects.annotate(
            _fts=SearchVector("primary_name", "native_name", config="simple")
        ).filter(_fts=query)
        aliases = PersonAlias.objects.annotate(_fts=SearchVector("name", config="simple")).filter(
            _fts=query
        )
    else:
        own = Q(title__icontains=text) | Q(summary__icontains=text)
        people = Person.objects.filter(
            Q(primary_name__icontains=text) | Q(native_name__icontains=text)
        )
        aliases = PersonAlias.objects.filter(name__icontains=text)
    # visible(viewer, Person) first, then the name match: the same rows, and the visibility
    # half is the layer's memoised queryset instead of being rebuilt for every search.
    if connection.vendor != "postgresql":
        named = Q(pk__in=people.values("pk")) | Q(pk__in=aliases.values("person_id"))
        return own | Q(person__in=visible(viewer, Person).filter(named).values("pk"))
    named = Q(_AnyOf(F("pk"), people.values("pk"))) | Q(
        _AnyOf(F("pk"), aliases.values("person_id"))
    )
    return own | Q(_AnyOf(F("person_id"), visible(viewer, Person).filter(named).values("pk")))


class _AnyOf(Func):
    """``column = ANY(ARRAY(subquery))`` (PostgreSQL): unlike ``IN (subquery)``, which
    becomes a hashed filter tested on every row, it can drive a btree index scan, so an OR
    with the GIN match becomes a BitmapOr for rare terms."""

    template = "%(expressions)s"
    arg_joiner = " = ANY(ARRAY("
    output_field = BooleanField()

    def __init__(self, column, queryset):
        super().__init__(column, Subquery(queryset.order_by()))

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"({sql})))", params  # closes ARRAY(, ANY( and the opening paren


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
    owner = IdFilter(field_name="owner_id", label=_("Owning organisation id"))
    campaign = IdFilter(method="filter_campaign", label=_("Campaign id"))
    charge_law = django_filters.CharFilter(
        method="filter_charge_law", max_length=255, label=_("Charged under this law (contains)")
    )
    charge_section = django_filters.CharFilter(
        method="filter_charge_section", max_length=40, label=_("Charged under this section")
    )
    facility = IdFilter(
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
    case = IdFilter(field_name="case_id")
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
    facility = IdFilter(field_name="facility_id")

    class Meta:
        model = Detention
        fields: list[str] = []
