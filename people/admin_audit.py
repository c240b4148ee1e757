"""The audit trail in the admin: read-only, for auditors and platform superusers only."""

from __future__ import annotations

from django.contrib import admin

from casetracker.permissions import can_read_audit
from casetracker.visibility import Viewer, visible
from people.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "ip_address", "action", "model", "object_id", "case_id")
    list_filter = ("action", "model")
    search_fields = ("username", "object_id")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    list_per_page = 100
    show_full_result_count = False  # COUNT(*) over millions of rows on every page

    def _may_read(self, request) -> bool:
        return can_read_audit(Viewer.for_user(request.user))

    def get_queryset(self, request):
        return visible(Viewer.for_user(request.user), AuditEntry, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return self._may_read(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_read(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}  # no "delete selected"
