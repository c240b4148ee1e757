"""django-filter, strictly: an unknown or malformed query parameter is a 400 naming it.

A typo such as ``?stauts=detained`` silently returning every case would mislead a
partner's report, and ``?status__in=...`` must not reach the ORM.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

from casetracker.api.pagination import PAGINATION_PARAMS
from casetracker.visibility import Viewer

# Parameters every list understands besides its filters.
COMMON_PARAMS = PAGINATION_PARAMS | {"format"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        allowed = set(COMMON_PARAMS) | set(getattr(view, "extra_query_params", ()))
        if filterset is not None:
            allowed |= set(filterset.filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise exceptions.ValidationError({p: [_("Unknown query parameter.")] for p in unknown})
        for name in request.query_params:
            if len(request.query_params.getlist(name)) > 1 and name not in getattr(
                filterset, "multi_value_params", ()
            ):
                raise exceptions.ValidationError({name: [_("Give this parameter once.")]})
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in filterset.errors.items()}
            )
        return filterset.qs


class ApiFilterSet(django_filters.FilterSet):
    multi_value_params: tuple[str, ...] = ()

    @property
    def viewer(self) -> Viewer:
        return Viewer.for_user(getattr(self.request, "user", None)).without_restricted()
