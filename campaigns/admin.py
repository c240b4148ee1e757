"""Campaigns, joint statements, signatories and civic-space ratings in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CountryRating, Signatory
from cases.models import Case
from casetracker.admin_mixins import (
    CAMPAIGN_EDIT_ROLES,
    VisibleInlineMixin,
    VisibleModelAdmin,
    admin_viewer,
    is_installation_admin,
    visible_country_filter,
)
from casetracker.partialdate import PartialDate, Precision
from casetracker.visibility import visible
from people.models import Organisation

SIGNATORY_PREVIEW = 10


def _campaign_editable(request, campaign) -> bool:
    return (
        is_installation_admin(request) or campaign.owner_id == admin_viewer(request).organisation_id
    )


class NewSignatoryInline(VisibleInlineMixin, admin.TabularInline):
    """Adds signatories on the campaign page; existing ones live in their own changelist.

    A statement can have 451 named signatories: rendering a form for each would make the
    page unusable, so this inline shows no existing rows (see the summary above it).
    """

    model = Signatory
    write_roles = CAMPAIGN_EDIT_ROLES
    fields = ("name", "kind", "organisation", "position", "tier")
    autocomplete_fields = ("organisation",)
    verbose_name_plural = _("add signatories")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


@admin.register(Campaign)
class CampaignAdmin(VisibleModelAdmin):
    write_roles = CAMPAIGN_EDIT_ROLES
    list_display = (
        "title",
        "hashtag",
        "start_display",
        "owner",
        "tier",
        "anonymous_signatory_count",
    )
    list_filter = ("tier", ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("owner",)
    search_fields = ("title", "hashtag")
    autocomplete_fields = ("owner", "organisers", "cases")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (NewSignatoryInline,)
    fieldsets = (
        (None, {"fields": ("title", ("hashtag", "slug"), "owner", "organisers", "target", "tier")}),
        (
            _("Signatories"),
            {
                "fields": ("anonymous_signatory_count",),
                "description": _(
                    "Signatories who chose anonymity are a count only: never record their names."
                ),
            },
        ),
        (_("Dates"), {"fields": ("start", "end")}),
        (_("Linked cases"), {"fields": ("cases",)}),
        (_("Statement"), {"fields": ("statement_text", "statement_url", "seed_document")}),
    )

    def may_edit(self, request, obj) -> bool:
        return _campaign_editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner" and not is_installation_admin(request):
            kwargs["queryset"] = Organisation.objects.filter(
                pk=admin_viewer(request).organisation_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("owner", admin_viewer(request).organisation_id)
        return initial

    def save_related(self, request, form, formsets, change):
        # The cases field offers only cases this user can see; links to cases they cannot
        # see must survive their save untouched.
        hidden = []
        if change:
            seen = visible(admin_viewer(request), Case).values("pk")
            hidden = list(form.instance.cases.exclude(pk__in=seen).values_list("pk", flat=True))
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.cases.add(*hidden)

    @admin.display(description=_("start"), ordering="start")
    def start_display(self, obj):
        return _partial_text(obj.start, obj.start_precision)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Summary instead of 451 inline forms: counts, a preview, a link to the full list.
        named = visible(admin_viewer(request), Signatory).filter(campaign_id=object_id)
        extra_context = {
            **(extra_context or {}),
            "named_signatory_count": named.count(),
            "signatory_preview": list(
                named.order_by("position", "id").values_list("name", flat=True)[:SIGNATORY_PREVIEW]
            ),
            "signatory_list_url": reverse("admin:campaigns_signatory_changelist")
            + f"?campaign__id__exact={object_id}",
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Signatory)
class SignatoryAdmin(VisibleModelAdmin):
    write_roles = CAMPAIGN_EDIT_ROLES
    list_display = ("name", "kind", "organisation", "campaign", "position", "tier")
    list_filter = (("campaign", admin.RelatedOnlyFieldListFilter), "kind", "tier")
    list_select_related = ("campaign", "organisation")
    search_fields = ("name", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("campaign", "organisation")
    fields = ("campaign", "name", "kind", "organisation", "position", "tier")

    def may_edit(self, request, obj) -> bool:
        return _campaign_editable(request, obj.campaign)


@admin.register(CountryRating)
class CountryRatingAdmin(VisibleModelAdmin):
    write_roles = CAMPAIGN_EDIT_ROLES
    list_display = ("country", "rating", "date_display", "source")
    list_filter = ("rating", visible_country_filter())
    search_fields = ("source",)
    fields = ("country", "rating", "date", "source", "seed_document")

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, obj):
        return _partial_text(obj.date, obj.date_precision)


def _partial_text(value, precision) -> str:
    return str(PartialDate(value, Precision(precision))) if value else "–"
