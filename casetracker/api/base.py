"""Base classes for the API's serializers and views: visibility, staff-only fields, ETags."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from casetracker.api.fields import PartialDateField, SafeCharField
from casetracker.permissions import can_export, can_use_api
from casetracker.visibility import Viewer, visible


def viewer_for(request) -> Viewer:
    """The request's Viewer, built once (a token request runs as its service account).

    Capped below restricted: no API response ever carries restricted-tier records, not
    even to named staff (they read those in the admin, where each read is audited).
    """
    viewer = getattr(request, "_casetracker_api_viewer", None)
    if viewer is None:
        viewer = Viewer.for_user(request.user).without_restricted()
        request._casetracker_api_viewer = viewer
    return viewer


class CanUseApi(BasePermission):
    """Partner tokens and staff sessions (and platform superusers) may call the API.

    What each caller then sees is the visibility layer's decision (invisible → 404), and
    writes are checked per record by cases.permissions; this only keeps others out.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        viewer = viewer_for(request)
        return can_use_api(viewer) or (viewer.is_superuser and viewer.organisation_id is None)


class CanExport(CanUseApi):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_export(viewer_for(request))


def sees_staff_fields(viewer: Viewer | None) -> bool:
    return viewer is not None and (viewer.is_staff_member or viewer.is_superuser)


class ApiChoiceField(serializers.ChoiceField):
    """ChoiceField that renders an empty django-countries ``Country`` as "".

    DRF returns a value equal to "" unchanged; an organisation without a country holds
    ``Country("")``, which the JSON renderer cannot encode (the change feed answered 500
    on such organisations — found by ``manage.py bench``). Other values render as before.
    """

    def to_representation(self, value):
        return super().to_representation(value if value is None else str(value))


class ApiModelSerializer(serializers.ModelSerializer):
    """Text is checked for NUL and bidi controls; ``Meta.staff_fields`` never go to partners.

    The schema documents what a partner receives; staff responses carry the extra
    ``staff_fields`` (the schema allows additional properties).
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: SafeCharField,
        models.TextField: SafeCharField,
        # Stored URLs may be empty ("unknown"); "format: uri" would promise a URL that is
        # not there (schemathesis caught it). Writes still go through the model's
        # URLValidator in the services' full_clean().
        models.URLField: SafeCharField,
    }
    serializer_choice_field = ApiChoiceField

    def get_fields(self):
        fields = super().get_fields()
        _allow_blank_choices(fields, self.Meta.model)
        if not sees_staff_fields(self.context.get("viewer")):
            for name in getattr(self.Meta, "staff_fields", ()):
                fields.pop(name, None)
        return fields


def _allow_blank_choices(fields: dict, model: type[models.Model]) -> None:
    """DRF drops allow_blank from read-only fields, so the schema's enum of a blank-able
    choice would not admit "" ("gender": "" — schemathesis caught it)."""
    for name, field in fields.items():
        if not isinstance(field, serializers.ChoiceField):
            continue
        names = {f.name for f in model._meta.get_fields()}
        source = field.source or name
        if source in names and getattr(model._meta.get_field(source), "blank", False):
            field.allow_blank = True


def partial_date(name: str, **kw) -> PartialDateField:
    return PartialDateField(source=f"{name}_partial", **kw)


class VisibleQuerysetMixin:
    """Every queryset comes from the visibility layer; invisible records are 404."""

    model: type[models.Model]
    permission_classes = [CanUseApi]

    @property
    def viewer(self) -> Viewer:
        return viewer_for(self.request)

    def base_queryset(self):
        return self.model._default_manager.all()

    def decorate(self, qs):
        """Joins and prefetches for the serializer (each itself filtered by visibility)."""
        return qs

    def get_queryset(self):
        return self.decorate(visible(self.viewer, self.model, self.base_queryset()))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.viewer}


def etag_for(obj) -> str:
    """Strong ETag from the primary key and last-update time (microsecond resolution)."""
    return etag_of(obj.pk, obj.updated_at)


def etag_of(pk, updated_at) -> str:
    stamp = updated_at.isoformat() if updated_at else "-"
    return f'"{pk}-{stamp}"'
