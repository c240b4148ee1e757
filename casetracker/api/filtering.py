"""django-filter, strictly: an unknown or malformed query parameter is a 400 naming it.

A typo such as ``?stauts=detained`` silently returning every case would mislead a
partner's report, and ``?status__in=...`` must not reach the ORM.
"""

from __future__ import annotations

from functools import lru_cache

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from casetracker.api.pagination import PAGINATION_PARAMS
from casetracker.visibility import Viewer

# Parameters every list understands besides its filters.
COMMON_PARAMS = PAGINATION_PARAMS | {"format"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        filters = getattr(filterset_class, "base_filters", {})
        extra = set(getattr(view, "extra_query_params", ()))
        unknown = sorted(set(request.query_params) - COMMON_PARAMS - extra - set(filters))
        if unknown:
            raise exceptions.ValidationError({p: [_("Unknown query parameter.")] for p in unknown})
        multi = getattr(filterset_class, "multi_value_params", ())
        for name in request.query_params:
            if len(request.query_params.getlist(name)) > 1 and name not in multi:
                raise exceptions.ValidationError({name: [_("Give this parameter once.")]})
        if not set(request.query_params) & set(filters):
            # No filter asked for: every filter would pass the queryset through unchanged,
            # so skip building the FilterSet (a deep copy of every filter per request).
            return queryset
        asked = frozenset(request.query_params) & frozenset(filters)
        filterset_class = _with_filters(filterset_class, asked)
        filterset = filterset_class(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid():
            raise exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in filterset.errors.items()}
            )
        return filterset.qs


@lru_cache(maxsize=256)
def _with_filters(filterset_class: type, names: frozenset[str]) -> type:
    """``filterset_class`` with only the filters ``names``: a FilterSet deep-copies every
    filter and builds a form field for each on every request (~5 ms for the case filters,
    whose country choices alone are ~250 pairs); a filter that was not asked for would pass
    the queryset through unchanged anyway."""
    narrowed = type(filterset_class.__name__, (filterset_class,), {"__module__": __name__})
    narrowed.base_filters = {
        name: f for name, f in filterset_class.base_filters.items() if name in names
    }
    return narrowed


class ApiFilterSet(django_filters.FilterSet):
    multi_value_params: tuple[str, ...] = ()

    @property
    def viewer(self) -> Viewer:
        return Viewer.for_user(getattr(self.request, "user", None)).without_restricted()


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.Filter):
    """A record id: a whole number that fits the database's 64-bit key, else a 400.

    django-filter's NumberFilter reads a decimal, so ``case=-1.8e308`` reached the database
    as a 309-digit integer and SQLite raised OverflowError (a 500; found by Schemathesis).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
