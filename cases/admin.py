"""The caseworker admin for cases: changelist, change page with inlines, review items."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case as Conditional
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.admin_import import ChronologyImportMixin
from cases.admin_services import review_items_dismiss, review_items_resolve
from cases.models import (
    Case,
    CaseNote,
    CaseShare,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from cases.services import record_mark_edited
from casetracker.admin_mixins import (
    CASE_EDIT_ROLES,
    VisibleInlineMixin,
    VisibleModelAdmin,
    admin_viewer,
    can_edit_case,
    configure_admin_site,
    is_installation_admin,
    may_write,
    visible_country_filter,
    visible_owner_filter,
)
from casetracker.admin_restricted import RestrictedFieldsAdminMixin
from casetracker.admin_widgets import AdminRecordForm
from casetracker.partialdate import PartialDate, Precision
from casetracker.visibility import visible
from people.models import Organisation, Person

configure_admin_site(admin.site)

WGAD_CHOICES = [(c, c) for c in ("I", "II", "III", "IV", "V")]
SMALL_TEXTAREA = forms.Textarea(attrs={"rows": 2, "cols": 40})


def _today() -> dt.date:
    return timezone.localdate()


def _upcoming_hearings(request):
    """Scheduled hearings from today on, that this user may see (a hearing's own tier counts)."""
    return visible(
        admin_viewer(request),
        Hearing,
        Hearing.objects.filter(date__gte=_today(), status=Hearing.Status.SCHEDULED),
    )


def _open_reviews(request):
    return visible(
        admin_viewer(request), ReviewItem, ReviewItem.objects.filter(status=ReviewItem.Status.OPEN)
    )


def _count_subquery(qs, field: str = "case"):
    counted = qs.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), Value(0))


class UpcomingHearingFilter(admin.SimpleListFilter):
    title = _("upcoming hearing")
    parameter_name = "upcoming_hearing"

    def lookups(self, request, model_admin):
        return [("yes", _("Has an upcoming hearing")), ("no", _("No upcoming hearing"))]

    def queryset(self, request, queryset):
        upcoming = Exists(_upcoming_hearings(request).filter(case=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(upcoming)
        if self.value() == "no":
            return queryset.exclude(upcoming)
        return queryset


# -- inlines --------------------------------------------------------------------------------
# Django's tabular inline template with each row's cells printed in Python (same HTML;
# cases/templatetags/admin_rows.py).
TABULAR_TEMPLATE = "admin/casetracker/edit_inline/tabular.html"


class CaseRecordInline(VisibleInlineMixin, admin.TabularInline):
    """A case's dated records. Imported rows say so; editing one marks it edited."""

    template = TABULAR_TEMPLATE
    readonly_fields = ("provenance",)

    @admin.display(description=_("provenance"))
    def provenance(self, obj):
        if obj is None or not getattr(obj, "fingerprint", ""):
            return _("entered by hand")
        if getattr(obj, "edited", False):
            return _("imported, edited")
        return _("imported")


class TimelineEventInline(CaseRecordInline):
    model = TimelineEvent
    fields = ("date", "type", "summary", "source", "tier", "provenance")
    formfield_overrides = {
        TimelineEvent._meta.get_field("summary").__class__: {"widget": SMALL_TEXTAREA}
    }
    ordering = ("date", "date_precision", "line", "id")


class ChargeDocumentInline(CaseRecordInline):
    model = ChargeDocument
    fields = ("kind", "title", "date", "is_current", "source", "tier", "provenance")


class ChargeInline(CaseRecordInline):
    model = Charge
    fields = (
        "document",
        "position",
        "law",
        "section",
        "description",
        "status",
        "tier",
        "provenance",
    )
    formfield_overrides = {
        Charge._meta.get_field("description").__class__: {"widget": SMALL_TEXTAREA}
    }
    ordering = ("document__date", "document_id", "position", "id")


class HearingInline(CaseRecordInline):
    model = Hearing
    fk_name = "case"
    fields = (
        "date",
        "time",
        "timezone",
        "court",
        "kind",
        "status",
        "outcome",
        "custody_days",
        "custody_until",
        "next_hearing",
        "postponed_from",
        "tier",
        "provenance",
    )
    formfield_overrides = {Hearing._meta.get_field("outcome").__class__: {"widget": SMALL_TEXTAREA}}


class DetentionInline(RestrictedFieldsAdminMixin, CaseRecordInline):
    model = Detention
    fields = (
        "type",
        "facility",
        "place",
        "start",
        "end",
        "legal_basis",
        "exact_address",  # restricted: named staff of the owner only, each read audited
        "tier",
        "provenance",
    )
    autocomplete_fields = ("facility",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("facility")


class SourceInline(RestrictedFieldsAdminMixin, CaseRecordInline):
    model = Source
    fields = (
        "title",
        "publisher",
        "date",
        "url",
        "seed_document",
        "article_title",
        "reliability",
        "identity",  # restricted: named staff of the owner only, each read audited
        "contact",
        "tier",
        "provenance",
    )


class CaseNoteInline(RestrictedFieldsAdminMixin, CaseRecordInline):
    """Notes (encrypted text, a restricted field): named staff of the owner only.

    Others do not get the inline at all — a list of notes without their text says nothing.
    """

    model = CaseNote
    fields = ("tier", "text", "created_at")
    readonly_fields = ("created_at",)
    formfield_overrides = {CaseNote._meta.get_field("text").__class__: {"widget": SMALL_TEXTAREA}}

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.may_read_restricted(request, obj)

    def _parent_may_edit(self, request, obj) -> bool:
        return super()._parent_may_edit(request, obj) and self.may_read_restricted(request, obj)


class ReviewItemInline(CaseRecordInline):
    model = ReviewItem
    fields = (
        "status",
        "kind",
        "message",
        "as_written",
        "suggestion",
        "line",
        "resolution",
        "resolved_by",
        "resolved_at",
        "tier",
        "provenance",
    )
    readonly_fields = ("resolved_by", "resolved_at", "provenance")
    formfield_overrides = {
        ReviewItem._meta.get_field("message").__class__: {"widget": SMALL_TEXTAREA}
    }

    def get_queryset(self, request):
        open_first = Conditional(
            When(status=ReviewItem.Status.OPEN, then=Value(0)), default=Value(1)
        )
        return (
            super()
            .get_queryset(request)
            .select_related("resolved_by")
            .annotate(open_first=open_first)
            .order_by("open_first", "line", "id")
        )


class CaseShareInline(VisibleInlineMixin, admin.TabularInline):
    """Only the owning organisation's editors (and installation admins) see and grant shares."""

    model = CaseShare
    template = TABULAR_TEMPLATE
    fields = ("organisation", "tier", "can_edit")
    autocomplete_fields = ("organisation",)

    def get_queryset(self, request):
        qs = CaseShare.objects.select_related("case", "organisation")  # __str__ shows both
        if is_installation_admin(request):
            return visible(admin_viewer(request), CaseShare, qs)
        viewer = admin_viewer(request)
        return (
            qs.filter(case__owner_id=viewer.organisation_id)
            if viewer.organisation_id
            else qs.none()
        )

    def _parent_may_edit(self, request, obj):
        if not may_write(request, CASE_EDIT_ROLES):
            return False
        if obj is None or is_installation_admin(request):
            return True
        return obj.owner_id == admin_viewer(request).organisation_id

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._parent_may_edit(request, obj)


# -- the case ------------------------------------------------------------------------------
class CaseForm(AdminRecordForm):
    wgad_categories = forms.TypedMultipleChoiceField(
        choices=WGAD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("UN WGAD categories"),
        help_text=_("Working Group on Arbitrary Detention categories I–V that apply."),
    )

    class Meta:
        model = Case
        fields = "__all__"


@admin.register(Case)
class CaseAdmin(ChronologyImportMixin, RestrictedFieldsAdminMixin, VisibleModelAdmin):
    form = CaseForm
    list_display = (
        "title",
        "subject",
        "country_name",
        "status",
        "days_detained_display",
        "next_hearing_display",
        "owner",
        "tier",
        "open_reviews_display",
    )
    list_filter = (
        visible_country_filter(probe=True),
        "status",
        "tier",
        visible_owner_filter(),
        UpcomingHearingFilter,
    )
    # get_search_results below searches these through visible people only.
    search_fields = (
        "title",
        "group_name",
        "person__primary_name",
        "person__native_name",
        "person__aliases__name",
    )
    autocomplete_fields = ("person",)
    # "N results (M total)" would COUNT the visible cases a second time on every page.
    show_full_result_count = False
    inlines = (
        TimelineEventInline,
        ChargeDocumentInline,
        ChargeInline,
        HearingInline,
        DetentionInline,
        SourceInline,
        CaseNoteInline,
        ReviewItemInline,
        CaseShareInline,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("kind", "person"),
                    ("group_name", "group_size"),
                    ("country", "status"),
                    ("owner", "tier"),
                    "summary",
                    "language",
                )
            },
        ),
        (
            _("Detention"),
            {
                "fields": (
                    "detained_since",
                    "released_on",
                    "verdict_reached",
                    "days_detained_display",
                    "open_reviews_display",
                )
            },
        ),
        (
            _("Publicity consent"),
            {"fields": (("consent", "consent_given_by", "consent_date"), "consent_note")},
        ),
        (_("Legal assessment"), {"fields": ("wgad_categories", "legal_assessment")}),
        (_("Record"), {"fields": ("reference", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "days_detained_display",
        "open_reviews_display",
        "created_at",
        "updated_at",
    )

    # -- queryset: everything the list shows, in one query ---------------------------------
    def get_queryset(self, request):
        """Built once per request, then cloned: the changelist and its country and owner
        filters each ask for it, and building it (four visibility predicates) cost ~13 ms."""
        built = request.__dict__.get("_casetracker_case_queryset")
        if built is None:
            built = self._visible_annotated_cases(request)
            request._casetracker_case_queryset = built
        return built.all()

    def _visible_annotated_cases(self, request):
        viewer = admin_viewer(request)
        upcoming = _upcoming_hearings(request).filter(case=OuterRef("pk")).order_by("date", "time")
        return (
            super()
            .get_queryset(request)
            .select_related("person", "owner")
            .annotate(
                next_hearing_day=Subquery(upcoming.values("date")[:1]),
                next_hearing_precision=Subquery(upcoming.values("date_precision")[:1]),
                open_review_count=_count_subquery(_open_reviews(request)),
                person_visible=Exists(visible(viewer, Person).filter(pk=OuterRef("person_id"))),
            )
        )

    def get_object(self, request, object_id, from_field=None):
        """The case of a change page (or import page): visible, with the one annotation its
        read-only fields print (open review items), without the changelist's next-hearing
        and person-visible subqueries (two more visibility predicates to build and run)."""
        cases = (
            super()
            .get_queryset(request)
            .select_related("person", "owner")
            .annotate(open_review_count=_count_subquery(_open_reviews(request)))
        )
        field = Case._meta.pk if from_field is None else Case._meta.get_field(from_field)
        try:
            return cases.get(**{field.name: field.to_python(object_id)})
        except (Case.DoesNotExist, ValidationError, ValueError):
            return None

    def get_search_results(self, request, queryset, search_term):
        """Title, group name, and names/aliases of people the user may see.

        Each word must match somewhere (as Django's admin search does). People are matched
        in a subquery, so an alias never duplicates a case row and a hidden person's alias
        never finds a case.
        """
        terms = [t for t in search_term.split() if t]
        if not terms:
            return queryset, False
        people = visible(admin_viewer(request), Person)
        for term in terms:
            named = people.filter(
                Q(primary_name__icontains=term)
                | Q(native_name__icontains=term)
                | Q(aliases__name__icontains=term)
            )
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(group_name__icontains=term)
                | Q(person__in=named.values("pk"))
            )
        return queryset, False

    # -- permissions and form ----------------------------------------------------------------
    def may_edit(self, request, obj) -> bool:
        return can_edit_case(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("reference")
            if not is_installation_admin(request):
                fields.append("owner")  # handing a case to another organisation is an admin act
        return fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("owner", admin_viewer(request).organisation_id)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            members = Organisation.objects.filter(is_member=True)
            if not is_installation_admin(request):
                members = members.filter(pk=admin_viewer(request).organisation_id)
            kwargs["queryset"] = members
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            record_mark_edited(record=obj)  # load_seeds must not revert the caseworker

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj, _changed in formset.changed_objects:
            record_mark_edited(record=obj)

    # -- columns ---------------------------------------------------------------------------
    @admin.display(description=_("person or group"), ordering="person__primary_name")
    def subject(self, obj):
        if obj.person_id and getattr(obj, "person_visible", False):
            return obj.person.primary_name
        if obj.group_name:
            return obj.group_name + (f" ({obj.group_size})" if obj.group_size else "")
        return "—"

    # Not the plain "country" column: the admin renders a choices field through
    # flatchoices, and django-countries rebuilds its ~250 translated, sorted choices for
    # every row (~7 ms a row, a third of the changelist). Country.name is a dict lookup.
    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        return obj.country.name or "–"

    @admin.display(description=_("days detained"))
    def days_detained_display(self, obj):
        days = obj.days_detained(today=_today()) if obj and obj.pk else None
        return str(days) if days is not None else "–"

    @admin.display(description=_("next hearing"), ordering="next_hearing_day")
    def next_hearing_display(self, obj):
        day = getattr(obj, "next_hearing_day", None)
        if day is None:
            return "–"
        return str(PartialDate(day, Precision(obj.next_hearing_precision)))

    @admin.display(description=_("open review items"), ordering="open_review_count")
    def open_reviews_display(self, obj):
        count = getattr(obj, "open_review_count", 0)
        if not count:
            return "0"
        url = reverse("admin:cases_reviewitem_changelist")
        return format_html(
            '<a href="{}?case__id__exact={}&amp;status__exact=open"><strong>{}</strong></a>',
            url,
            obj.pk,
            count,
        )


# -- review items ----------------------------------------------------------------------------
def _editable_items(request, queryset):
    if is_installation_admin(request):
        return queryset
    viewer = admin_viewer(request)
    shared = CaseShare.objects.filter(
        case=OuterRef("case_id"), organisation_id=viewer.organisation_id, can_edit=True
    )
    return queryset.filter(Q(case__owner_id=viewer.organisation_id) | Exists(shared))


@admin.register(ReviewItem)
class ReviewItemAdmin(VisibleModelAdmin):
    list_display = (
        "short_message",
        "kind",
        "case",
        "case_country",
        "status",
        "line",
        "resolved_by",
        "resolved_at",
    )
    list_filter = ("kind", "status", visible_country_filter("case__country", _("case country")))
    list_select_related = ("case", "resolved_by")
    search_fields = ("message", "as_written", "suggestion", "case__title")
    actions = ("mark_resolved", "dismiss")
    fields = (
        "case",
        "kind",
        "message",
        "as_written",
        "suggestion",
        "line",
        "status",
        "resolution",
        "resolved_by",
        "resolved_at",
        "tier",
    )
    readonly_fields = ("case", "resolved_by", "resolved_at")

    def has_add_permission(self, request):
        return False  # raised by importers or added on the case page

    def may_edit(self, request, obj) -> bool:
        return can_edit_case(request, obj.case)

    @admin.display(description=_("message"))
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 90 else obj.message[:89] + "…"

    @admin.display(description=_("case country"), ordering="case__country")
    def case_country(self, obj):
        return obj.case.country.name

    def _close(self, request, queryset, service, done_message):
        editable = _editable_items(request, queryset)
        skipped = queryset.count() - editable.count()
        count = service(items=editable, user=request.user)
        self.message_user(request, done_message(count), messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d item was left alone: you may only read its case.",
                    "%(n)d items were left alone: you may only read their cases.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Mark selected review items resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._close(
            request,
            queryset,
            review_items_resolve,
            lambda n: (
                ngettext("%(n)d review item resolved.", "%(n)d review items resolved.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Dismiss selected review items"), permissions=["change"])
    def dismiss(self, request, queryset):
        self._close(
            request,
            queryset,
            review_items_dismiss,
            lambda n: (
                ngettext("%(n)d review item dismissed.", "%(n)d review items dismissed.", n)
                % {"n": n}
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            record_mark_edited(record=obj)


@admin.register(Facility)
class FacilityAdmin(VisibleModelAdmin):
    list_display = ("name", "city", "country", "kind")
    list_filter = ("kind", visible_country_filter())
    search_fields = ("name", "city")
