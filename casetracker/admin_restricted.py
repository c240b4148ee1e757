"""Admin support for restricted fields: hidden unless named, every display audited.

Use ``RestrictedFieldsAdminMixin`` first in the bases of any ModelAdmin (or inline) whose
model has ``EncryptedTextField`` columns (Person, Source, Detention, CaseNote):

    class PersonAdmin(RestrictedFieldsAdminMixin, admin.ModelAdmin): ...

- a viewer who may not read the record's restricted content (casetracker.permissions.
  can_read_restricted_of) gets a form without those fields: not blank, absent;
- when the change form is shown to someone who may, an audit row "read_restricted" names
  the fields (never the values);
- the admin history (LogEntry.change_message) only ever holds field *names*, which is
  Django's behaviour; restricted values never enter it.
Never put restricted fields in list_display, search_fields, list_filter or ordering: they
are ciphertext in the database and the changelist is not an audited read.
"""

from __future__ import annotations

from casetracker import audit
from casetracker.crypto import encrypted_fields
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

    def get_fieldsets(self, request, obj=None):
        hidden = self._hidden(request, obj)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f not in hidden]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        hidden = self._hidden(request, obj)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.may_read_restricted(request, obj):
            shown = [n for n in self.restricted_field_names() if getattr(obj, n, "")]
            if shown:
                audit.record_restricted_read(obj=obj, fields=shown)
        return super().render_change_form(request, context, add, change, form_url, obj)
