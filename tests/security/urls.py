"""A test URLconf: an admin site with the restricted-field models, and a view that fails.

The real admin registrations for Person, Source, ... are written on another branch; this
site uses the same building blocks they must use (visibility + RestrictedFieldsAdminMixin)
so the canary test exercises them here, and the real site's registry after the merge.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from cases.models import Case, CaseNote, Detention, Source
from casetracker.admin_restricted import RestrictedFieldsAdminMixin
from casetracker.admin_site import CasetrackerAdminSite
from casetracker.permissions import can_use_admin, permission_decision
from casetracker.urls import urlpatterns as project_urlpatterns
from casetracker.visibility import Viewer, visible
from people.models import Person

site = CasetrackerAdminSite(name="admin")


class VisibleAdmin(RestrictedFieldsAdminMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return visible(Viewer.for_user(request.user), self.model, qs)

    def _staff(self, request) -> bool:
        return can_use_admin(Viewer.for_user(request.user))

    def has_module_permission(self, request):
        return self._staff(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request)

    def has_change_permission(self, request, obj=None):
        return self._staff(request)


for model in (Person, Source, Detention, CaseNote, Case):
    site.register(model, VisibleAdmin)


@permission_decision("test only: fails on purpose")
def broken_view(request, pk: int):
    person = Person.objects.get(pk=pk)
    relatives = person.relatives  # a decrypted value in a local variable, then a bug
    raise RuntimeError(f"unexpected state for person {person.pk} ({len(relatives)} chars)")


urlpatterns = [
    path("test-admin/", site.urls),
    path("boom/<int:pk>/", broken_view),
    *[p for p in project_urlpatterns if not str(p.pattern).startswith("admin/")],
]
