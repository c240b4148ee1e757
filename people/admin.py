"""People and organisations in the caseworker admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseShare
from cases.services import record_mark_edited
from casetracker.admin_mixins import (
    VisibleInlineMixin,
    VisibleModelAdmin,
    admin_viewer,
    is_installation_admin,
    visible_country_filter,
)
from casetracker.admin_restricted import RestrictedFieldsAdminMixin
from casetracker.admin_widgets import AdminRecordForm
from casetracker.visibility import visible
from people.models import Affiliation, Membership, Organisation, Person, PersonAlias


class PersonAliasInline(VisibleInlineMixin, admin.TabularInline):
    model = PersonAlias
    fields = ("name", "language")


class AffiliationInline(VisibleInlineMixin, admin.TabularInline):
    model = Affiliation
    fields = ("organisation", "role", "start", "end", "tier")
    autocomplete_fields = ("organisation",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class PersonForm(AdminRecordForm):
    roles = forms.TypedMultipleChoiceField(
        choices=Person.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("roles"),
    )

    class Meta:
        model = Person
        fields = "__all__"


@admin.register(Person)
class PersonAdmin(RestrictedFieldsAdminMixin, VisibleModelAdmin):
    form = PersonForm
    list_display = ("primary_name", "native_name", "country", "tier")
    list_filter = (visible_country_filter(), "tier")
    search_fields = ("primary_name", "native_name", "aliases__name")
    inlines = (PersonAliasInline, AffiliationInline)
    fieldsets = (
        (None, {"fields": (("primary_name", "native_name"), "roles", ("country", "gender"))}),
        (_("About"), {"fields": ("birth_date", "bio", "tier")}),
        # Shown to named staff of an owner of the person's cases only; each read audited.
        (_("Restricted"), {"fields": ("relatives", "private_contact")}),
    )

    def may_edit(self, request, obj) -> bool:
        """A person in cases is edited by those who may edit one of those cases."""
        if is_installation_admin(request):
            return True
        cache = request.__dict__.setdefault("_casetracker_person_edit", {})
        if obj.pk not in cache:
            org = admin_viewer(request).organisation_id
            shared = CaseShare.objects.filter(
                case=OuterRef("pk"), organisation_id=org, can_edit=True
            )
            cases = Case.objects.filter(person_id=obj.pk)
            cache[obj.pk] = (
                not cases.exists() or cases.filter(Q(owner_id=org) | Exists(shared)).exists()
            )
        return cache[obj.pk]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            record_mark_edited(record=obj)  # load_seeds must not revert the caseworker

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The person's cases, listed below the form: only those this user may see. (Passed
        # as context, not a readonly callable: those get no request, and the admin instance
        # is shared between threads.)
        cases = visible(admin_viewer(request), Case).filter(person_id=object_id)
        extra_context = {
            **(extra_context or {}),
            "visible_cases": cases.only("pk", "title", "status", "country").order_by("title"),
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Organisation)
class OrganisationAdmin(VisibleModelAdmin):
    list_display = ("name", "acronym", "kind", "country", "is_member")
    list_filter = ("kind", "is_member", visible_country_filter())
    search_fields = ("name", "acronym")
    fields = ("name", "acronym", "kind", "country", "is_member", "website", "description")

    def get_readonly_fields(self, request, obj=None):
        # Membership of the installation decides who owns cases: installation admins only.
        fields = list(super().get_readonly_fields(request, obj))
        if not is_installation_admin(request):
            fields.append("is_member")
        return fields


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Which organisation and role an account has, and whether it is named for restricted
    records. Plain Django model permissions, like Users: organisation staff hold none, so
    only platform superusers manage memberships. Changes are audited (AuditedQuerySet)."""

    list_display = ("user", "organisation", "role", "may_read_restricted")
    list_filter = ("role", "may_read_restricted")
    search_fields = ("user__username", "organisation__name")
    list_select_related = ("user", "organisation")
    raw_id_fields = ("user", "organisation")
