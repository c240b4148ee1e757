"""Every casetracker admin page reads through the visibility layer and grants by role.

``VisibleModelAdmin`` / ``VisibleInlineMixin`` are the only admin base classes the apps
use. What they guarantee:

- **Visibility.** ``get_queryset`` is ``visible(Viewer.for_user(user), Model, qs)``, so a
  record the user may not see is absent from changelists, counts, change pages (Django
  answers "doesn't exist"), inlines, autocomplete (fed by ``get_queryset`` +
  ``get_search_results``), ``RelatedOnlyFieldListFilter`` filters, and from foreign-key
  and many-to-many choices (``formfield_for_foreignkey`` / ``_manytomany``).
- **Permissions by membership role**, not Django ``Permission`` rows:

  ==============  ==========================================================
  role            admin access
  ==============  ==========================================================
  administrator   read everything visible; edit cases, people, organisations,
                  facilities, campaigns
  caseworker      same as administrator
  campaigner      read cases and people; edit campaigns, signatories and
                  country ratings
  auditor         read only
  partner         no admin access at all (API only)
  (no membership) no admin access, unless superuser
  superuser       installation administrator: edits everything visible
  ==============  ==========================================================

  On top of the role, editing a case or one of its records needs the case to be owned
  by the user's organisation or shared with it with ``can_edit=True``; everyone else
  with a reading role gets the read-only page (``has_change_permission(request, obj)``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteMixin
from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casetracker.admin_widgets import AdminRecordForm, InstanceLabelAutocompleteSelect
from casetracker.visibility import (
    Viewer,
    case_record_tiers,
    is_case_record_model,
    visible,
    visible_records_of_case,
)
from people.models import Person

ADMINISTRATOR, CASEWORKER, CAMPAIGNER, AUDITOR = (
    "administrator",
    "caseworker",
    "campaigner",
    "auditor",
)
READ_ROLES = frozenset({ADMINISTRATOR, CASEWORKER, CAMPAIGNER, AUDITOR})
CASE_EDIT_ROLES = frozenset({ADMINISTRATOR, CASEWORKER})
CAMPAIGN_EDIT_ROLES = frozenset({ADMINISTRATOR, CASEWORKER, CAMPAIGNER})


def configure_admin_site(site: admin.AdminSite) -> None:
    site.site_header = _("casetracker")
    site.site_title = _("casetracker")
    site.index_title = _("Case files")


# -- who is asking (cached on the request: permission checks run many times per page) ----
def admin_viewer(request: HttpRequest) -> Viewer:
    viewer = getattr(request, "_casetracker_viewer", None)
    if viewer is None:
        viewer = Viewer.for_user(request.user)
        request._casetracker_viewer = viewer
    return viewer


def is_installation_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_superuser)


def may_read(request: HttpRequest) -> bool:
    if not request.user.is_active or not request.user.is_staff:
        return False
    return is_installation_admin(request) or admin_viewer(request).role in READ_ROLES


def may_write(request: HttpRequest, roles: frozenset[str]) -> bool:
    if not may_read(request):
        return False
    return is_installation_admin(request) or admin_viewer(request).role in roles


def can_edit_case(request: HttpRequest, case) -> bool:
    """Owner's editors, editors of an organisation the case is shared with ``can_edit``."""
    if case is None or case.pk is None:
        return may_write(request, CASE_EDIT_ROLES)
    if not may_write(request, CASE_EDIT_ROLES):
        return False
    if is_installation_admin(request):
        return True
    viewer = admin_viewer(request)
    if case.owner_id == viewer.organisation_id:
        return True
    cache = request.__dict__.setdefault("_casetracker_case_edit", {})
    if case.pk not in cache:
        from cases.models import CaseShare

        cache[case.pk] = CaseShare.objects.filter(
            case_id=case.pk, organisation_id=viewer.organisation_id, can_edit=True
        ).exists()
    return cache[case.pk]


def visible_in_admin(request: HttpRequest, model: type[models.Model], qs=None):
    """``visible()``, plus: a person who is in cases is seen only through a visible case.

    (``visible_people`` also shows every internal-tier person to every member
    organisation's staff, so org B would find org A's internal detainee by name.
    Reported to the lead; until the layer itself changes, the admin is stricter.)
    """
    viewer = admin_viewer(request)
    qs = visible(viewer, model, qs)
    if model is Person:
        from cases.models import Case

        in_seen_case = Exists(visible(viewer, Case).filter(person=OuterRef("pk")))
        in_no_case = ~Exists(Case.objects.filter(person=OuterRef("pk")))
        qs = qs.filter(in_seen_case | in_no_case)
    return qs


class _RolePermissions:
    """Permission methods shared by model admins and inlines (see the module docstring)."""

    write_roles: frozenset[str] = CASE_EDIT_ROLES

    def get_queryset(self, request):
        return self.visible_rows(request, self.model, super().get_queryset(request))

    def visible_rows(self, request, model, qs):
        """The rows of ``qs`` the user may see: listed rows, inline rows, choices."""
        return visible_in_admin(request, model, qs)

    def _limit_to_visible(self, request, formfield):
        if formfield is not None and getattr(formfield, "queryset", None) is not None:
            model = formfield.queryset.model
            formfield.queryset = self.visible_rows(request, model, formfield.queryset)
        return formfield

    def has_module_permission(self, request):
        return may_read(request)

    def has_view_permission(self, request, obj=None):
        return may_read(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return translate_choice_labels(super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = InstanceLabelAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return self._limit_to_visible(
            request, super().formfield_for_foreignkey(db_field, request, **kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._limit_to_visible(
            request, super().formfield_for_manytomany(db_field, request, **kwargs)
        )


def translate_choice_labels(formfield):
    """Translate a choice field's lazy labels once, when the form class is built.

    A model field's choices carry lazy labels (``Tier``, ``EventType`` ...): every
    ``<select>`` in every inline row translated each label again (gettext through the
    thread-local active language), ~1,300 translations per case change page. Form
    classes are built per request, under the request's language, so the strings are the
    ones the rows would print. Only plain lists of choices: a callable or lazy choice
    source (django-countries) is left as it is.
    """
    if (
        isinstance(formfield, forms.ChoiceField)
        and not isinstance(formfield, forms.ModelChoiceField)
        and type(formfield.choices) is list
    ):
        formfield.choices = [_translated_choice(choice) for choice in formfield.choices]
    return formfield


def _translated_choice(choice):
    value, label = choice
    if isinstance(label, list | tuple):  # an option group
        return (value, [_translated_choice(c) for c in label])
    return (value, str(label) if isinstance(label, Promise) else label)


class VisibleModelAdmin(_RolePermissions, admin.ModelAdmin):
    form = AdminRecordForm
    list_per_page = 50
    show_full_result_count = True

    def may_edit(self, request, obj) -> bool:
        """Object-level write rule on top of the role; subclasses narrow it."""
        return True

    def has_add_permission(self, request):
        return may_write(request, self.write_roles)

    def has_change_permission(self, request, obj=None):
        if not may_write(request, self.write_roles):
            return False
        return obj is None or self.may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        """History names inline rows by id, never by ``str()``.

        The history page of a case is open to everyone who sees the case, but its inline
        rows have tiers of their own: "Changed title for source “<title>”" would show an
        internal source's title to a partner organisation's staff (found by the access
        matrix in tests/security). Field *names* stay; Django never logs values.
        """
        message = super().construct_change_message(request, form, formsets, add)
        ids = iter(_inline_ids(formsets))
        for entry in message:
            for detail in entry.values():
                if isinstance(detail, dict) and "object" in detail:
                    pk = next(ids, None)
                    detail["object"] = f"#{pk}" if pk is not None else ""
        return message

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.partial_dates_read_only = not (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        return form


def _inline_ids(formsets) -> list:
    """Primary keys in the order Django's construct_change_message lists the rows."""
    ids = []
    for formset in formsets or []:
        ids += [obj.pk for obj in formset.new_objects]
        ids += [obj.pk for obj, _fields in formset.changed_objects]
        ids += [obj.pk for obj in formset.deleted_objects]
    return ids


class OneEmptyFormInlineFormSet(BaseInlineFormSet):
    """An inline formset that builds its blank "add another" form once, not per use.

    ``BaseFormSet.empty_form`` is a property: the admin's tabular template asks for it
    for the column headers (once per column), the blank row and the formset's media —
    ~5 full forms per inline, ~38 on a case change page. It depends on nothing the
    formset changes later (no data, prefix ``__prefix__``), so one serves every use.
    """

    @cached_property
    def empty_form(self):
        return super().empty_form


class VisibleInlineMixin(_RolePermissions):
    """For inlines: rows through ``visible()``, write rights from the parent object."""

    form = AdminRecordForm
    formset = OneEmptyFormInlineFormSet
    extra = 0

    def _parent_may_edit(self, request, obj) -> bool:
        if not may_write(request, self.write_roles):
            return False
        if obj is None:
            return True
        parent_admin = self.admin_site._registry.get(self.parent_model)
        return parent_admin is None or parent_admin.may_edit(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_may_edit(request, obj)

    def get_queryset(self, request):
        # Rows print their parent (__str__) and read-only rows show their foreign keys:
        # join them here rather than one query per row.
        # (Declared fields only: get_fieldsets() could build a whole formset.)
        shown = flatten_fieldsets(self.fieldsets or [(None, {"fields": self.fields or ()})])
        related = [
            f.name
            for f in self.model._meta.fields
            if f.many_to_one
            and (f.name in shown or f.name == self.fk_name or f.related_model is self.parent_model)
        ]
        return super().get_queryset(request).select_related(*related)

    def visible_rows(self, request, model, qs):
        """On a case's change page, that case's records page-scoped (one case: its tier,
        consent, owner and the viewer's shares of it give the tiers the viewer may see),
        instead of the visibility predicate joined to every row's case: same rows
        (``visible_records_of_case``; tests/casetracker/test_visibility_page_scoped.py)."""
        case = _parent_case(request)
        if case is not None and is_case_record_model(model):
            viewer = admin_viewer(request)
            return visible_records_of_case(viewer, model, case, qs, grant=_grant(request, case))
        return super().visible_rows(request, model, qs)

    def get_formset(self, request, obj=None, **kwargs):
        # formfield_for_foreignkey has only the request: it limits a record's source,
        # charge document or next hearing to the parent case's own rows.
        request._casetracker_inline_parent = obj
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.partial_dates_read_only = not self.has_change_permission(request, obj)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        own_queryset = "queryset" in kwargs
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is None or getattr(formfield, "queryset", None) is None:
            return formfield
        parent = getattr(request, "_casetracker_inline_parent", None)
        related = formfield.queryset.model
        if related is not self.parent_model and _has_field(related, "case"):
            if parent is None or getattr(parent, "_meta", None) is None:
                formfield.queryset = formfield.queryset.none()
            elif parent._meta.model_name == "case":
                formfield.queryset = formfield.queryset.filter(case=parent)
        if isinstance(formfield.widget, forms.Select) and not isinstance(
            formfield.widget, AutocompleteMixin
        ):
            _share_choices(request, db_field, formfield, parent, shareable=not own_queryset)
        return formfield


def _share_choices(
    request: HttpRequest, db_field, formfield: forms.Field, parent, *, shareable: bool
) -> None:
    """Evaluate a choice list once per request, not once per row, formset or field.

    Every row's ``<select>`` shares the list. Fields that offer the same rows (a case's
    sources for its events and for its charge documents; its hearings as "next hearing"
    and as "postponed from") share one query: same related model, same parent, no
    ``limit_choices_to``, no queryset of the caller's own, same empty label — the queryset
    is then the same visible() one.
    ``iter()``: ``list()`` of the choice iterator itself would first run a COUNT.
    """
    key = None
    if (
        shareable
        and not db_field.remote_field.limit_choices_to
        and getattr(parent, "pk", None) is not None
    ):
        key = (
            formfield.queryset.model._meta.label,
            parent._meta.label,
            parent.pk,
            type(formfield),
            str(formfield.empty_label),
        )
    cache = request.__dict__.setdefault("_casetracker_shared_choices", {})
    if key is not None and key in cache:
        queryset, choices = cache[key]
        formfield.queryset = queryset
    else:
        choices = list(iter(formfield.choices))
        if key is not None:
            cache[key] = (formfield.queryset, choices)
    formfield.choices = choices


def _parent_case(request: HttpRequest):
    """The saved case whose inlines this request builds (set by get_formset), or None."""
    parent = getattr(request, "_casetracker_inline_parent", None)
    if parent is None or getattr(parent, "pk", None) is None:
        return None
    return parent if parent._meta.label == "cases.Case" else None


def _grant(request: HttpRequest, case) -> frozenset[str]:
    """The tiers of ``case``'s records the user may see; one query per request and case.

    Computed when the first inline is built, before the posted form touches the case.
    """
    grants = request.__dict__.setdefault("_casetracker_case_grants", {})
    if case.pk not in grants:
        grants[case.pk] = case_record_tiers(admin_viewer(request), [case])[case.pk]
    return grants[case.pk]


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.fields)


def visible_country_filter(field_path: str = "country", title=None, *, probe=False) -> type:
    """A country filter listing only countries of rows the user can see.

    (django-countries' CountryFilter lists the countries of every row in the table.)
    By default one ``DISTINCT`` over the visible rows. ``probe=True`` asks instead, in one
    query, for each of the ~250 country codes whether a visible row EXISTS: each probe is
    an index lookup that stops at the first visible row (absent countries cost a miss in
    the index), where the DISTINCT evaluates the visibility predicate on every row (the
    case list at 100,000 cases: ~75 ms → a few). Only for an indexed country column.
    """

    class VisibleCountryFilter(admin.SimpleListFilter):
        parameter_name = field_path

        def lookups(self, request, model_admin):
            rows = model_admin.get_queryset(request).order_by()
            if probe:
                codes = countries_with_rows(rows, field_path)
            else:
                codes = set(rows.values_list(field_path, flat=True).distinct())
            return [(code, name) for code, name in countries if code in codes]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field_path: self.value()})
            return queryset

    VisibleCountryFilter.title = title or _("country")
    return VisibleCountryFilter


def countries_with_rows(rows, field_path: str = "country") -> set[str]:
    """The country codes for which ``rows`` (a visible() queryset) has at least one row.

    One statement: ``SELECT code FROM (VALUES …every code…) WHERE EXISTS (rows with that
    country)``; the rows' SQL, visibility predicate included, is the ORM's own.
    """
    codes = [code for code, _name in countries]
    probe = rows.filter(**{field_path: RawSQL("probe.column1", ())}).values("pk")
    sql, params = probe.query.sql_with_params()
    values = ", ".join(["(%s)"] * len(codes))
    statement = (
        f"SELECT probe.column1 FROM (VALUES {values}) AS probe "  # noqa: S608 - placeholders
        f"WHERE EXISTS ({sql})"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(statement, [*codes, *params])
        return {code for (code,) in cursor.fetchall()}


def visible_owner_filter(field_path: str = "owner", title=None) -> type:
    """An owning-organisation filter listing only owners of rows the user can see.

    One query over the (few) organisations with an EXISTS per organisation that stops at
    the first visible row, instead of RelatedOnlyFieldListFilter's DISTINCT over every
    visible row. The rows come from ``model_admin.get_queryset`` (the visibility layer).
    """
    from people.models import Organisation

    class VisibleOwnerFilter(admin.SimpleListFilter):
        parameter_name = f"{field_path}__id__exact"  # RelatedOnlyFieldListFilter's, kept

        def lookups(self, request, model_admin):
            rows = (
                model_admin.get_queryset(request)
                .order_by()
                .filter(**{field_path: OuterRef("pk")})
                .values("pk")
            )
            owners = visible(admin_viewer(request), Organisation).filter(Exists(rows))
            return [
                (str(pk), name) for pk, name in owners.order_by("name").values_list("pk", "name")
            ]

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            if not value.isdigit():
                return queryset.none()  # a mangled URL lists nothing rather than failing
            return queryset.filter(**{f"{field_path}_id": int(value)})

    VisibleOwnerFilter.title = title or _("owning organisation")
    return VisibleOwnerFilter
