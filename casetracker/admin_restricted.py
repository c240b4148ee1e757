"""Admin support for restricted fields: hidden unless named, every display audited.

Use ``RestrictedFieldsAdminMixin`` first in the bases of any ModelAdmin (or inline) whose
model has ``EncryptedTextField`` columns (Person, Source, Detention, CaseNote):

    class PersonAdmin(RestrictedFieldsAdminMixin, admin.ModelAdmin): ...

- a viewer who may not read the record's restricted content (casetracker.permissions.
  can_read_restricted_of) gets a form without those fields: not blank, absent;
- when a page shows restricted content — restricted fields of the record, restricted fields
  or restricted-tier rows in its inlines, restricted-tier rows in a changelist — one audit
  row "read_restricted" per record names the fields shown (never the values);
- the admin history (LogEntry.change_message) only ever holds field *names*, which is
  Django's behaviour; restricted values never enter it.
Never put restricted fields in list_display, search_fields, list_filter or ordering: they
are ciphertext in the database and the changelist is not an audited read.
"""

from __future__ import annotations

from django.contrib.admin.utils import flatten_fieldsets

from casetracker import audit
from casetracker.crypto import encrypted_fields
from casetracker.fields import Tier
from casetracker.permissions import can_read_restricted_of
from casetracker.visibility import Viewer


class RestrictedFieldsAdminMixin:
    def restricted_field_names(self) -> list[str]:
        return [f.name for f in encrypted_fields(self.model)]

    def may_read_restricted(self, request, obj=None) -> bool:
        viewer = Viewer.for_user(request.user)
        if obj is None:  # adding: entering restricted data needs a named staff member
            return viewer.is_staff_member and viewer.may_read_restricted
        return can_read_restricted_of(viewer, obj)

    def _hidden(self, request, obj) -> set[str]:
        return (
            set() if self.may_read_restricted(request, obj) else set(self.restricted_field_names())
        )

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude + sorted(self._hidden(request, obj) - set(exclude))

    def get_fields(self, request, obj=None):
        hidden = self._hidden(request, obj)
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def _visible_fieldsets(self, request, obj=None):
        hidden = self._hidden(request, obj)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f not in hidden]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        hidden = self._hidden(request, obj)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def get_fieldsets(self, request, obj=None):
        return [fs for fs in self._visible_fieldsets(request, obj) if fs[1].get("fields")]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        reads = []
        if change and obj is not None:
            reads += restricted_reads(obj, self._parent_fields(request, obj))
        for inline_formset in context.get("inline_admin_formsets", []):
            shown = list(flatten_fieldsets(inline_formset.fieldsets))  # readonly ones too
            for form in inline_formset.formset.forms:
                if form.instance.pk is not None:
                    reads += restricted_reads(form.instance, shown)
        audit.record_restricted_reads(reads)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _parent_fields(self, request, obj) -> list[str]:
        if not self.may_read_restricted(request, obj):
            return []
        return list(flatten_fieldsets(self.get_fieldsets(request, obj)))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}) or {}
        changelist = changelist.get("cl")
        if changelist is not None:
            shown = [n for n in changelist.list_display if isinstance(n, str)]
            reads = []
            for row in changelist.result_list:
                if getattr(row, "tier", None) == Tier.RESTRICTED:
                    reads.append((row, shown))
            audit.record_restricted_reads(reads)
        return response


def restricted_reads(obj, shown: list[str]) -> list[tuple[object, list[str]]]:
    """What of ``obj`` a page shows that is restricted: a restricted-tier row's shown
    fields, or the non-empty encrypted fields among those shown. Names, never values."""
    concrete = {f.name for f in obj._meta.concrete_fields}
    if getattr(obj, "tier", None) == Tier.RESTRICTED:
        fields = [n for n in shown if n in concrete]
    else:
        fields = [f.name for f in encrypted_fields(type(obj)) if f.name in shown]
        fields = [n for n in fields if getattr(obj, n, "")]
    return [(obj, fields)] if fields else []
