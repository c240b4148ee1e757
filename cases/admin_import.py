"""The admin's chronology import: paste (or upload) → preview → confirm → saved.

Two views on ``CaseAdmin`` (``ChronologyImportMixin.get_urls``), both wrapped in
``admin_site.admin_view`` (staff + the TOTP second factor, CSRF-protected):

* ``<case id>/import-chronology/`` — "Import chronology" on a case's change page. Only for
  users who may edit the case: a case they cannot see is 404, one they may only read 403.
* ``import-chronology/`` — "New case from chronology" on the changelist: a new internal
  case for the person the chronology is about, owned by the user's organisation.

The preview parses only (``seeds.chronology``, no database write); "Confirm import" posts
the same text again and ``seeds.chronology_loader.chronology_import`` writes it in one
transaction. Parse and save problems are shown on the form, never as a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases.models import Case
from casetracker.admin_mixins import admin_viewer, can_edit_case, is_installation_admin
from casetracker.fields import Tier
from people.models import Organisation
from seeds.chronology import ParseResult
from seeds.chronology_loader import (
    ChronologyImportError,
    chronology_case_create,
    chronology_import,
    chronology_parse,
)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TEMPLATE = "admin/cases/case/import_chronology.html"


class ChronologyForm(forms.Form):
    text = forms.CharField(
        label=_("Chronology"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 110, "spellcheck": "false"}),
        help_text=_("Paste the chronology as it was received: one dated entry per line."),
    )
    upload = forms.FileField(
        label=_("…or upload a .txt file"),
        required=False,
        help_text=_("Plain text, UTF-8. Used instead of the pasted text."),
    )
    source_title = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("Where the chronology comes from (title, publisher). Optional."),
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        data = upload.read()
        if b"\x00" in data[:8192]:
            raise forms.ValidationError(_("This looks like a binary file, not a text file."))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it as UTF-8 and try again.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("upload") or cleaned.get("text") or ""
        if "upload" in self.errors:
            return cleaned
        try:
            cleaned["result"] = chronology_parse(text)
        except ChronologyImportError as exc:
            raise forms.ValidationError({"text": str(exc)}) from None
        cleaned["chronology"] = text
        return cleaned


class NewCaseChronologyForm(ChronologyForm):
    person = forms.CharField(
        label=_("Person"), max_length=255, help_text=_("Whom the chronology is about.")
    )
    country = forms.ChoiceField(label=_("Country"), choices=lambda: list(countries))
    status = forms.ChoiceField(
        label=_("Status"), choices=Case.Status.choices, initial=Case.Status.DETAINED
    )
    tier = forms.ChoiceField(
        label=_("Tier"),
        choices=[(t.value, t.label) for t in (Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED)],
        initial=Tier.INTERNAL,
        help_text=_("Never public before the publicity consent is recorded."),
    )
    owner = forms.ModelChoiceField(label=_("Owning organisation"), queryset=Organisation.objects)

    field_order = ["person", "country", "status", "tier", "owner", "text", "upload"]


class ChronologyImportMixin:
    """Adds the chronology import views to ``CaseAdmin``."""

    def get_urls(self):
        view = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import-chronology/",
                view(self.new_case_from_chronology_view),
                name=f"{info[0]}_{info[1]}_import_chronology_new",
            ),
            path(
                "<path:object_id>/import-chronology/",
                view(self.import_chronology_view),
                name=f"{info[0]}_{info[1]}_import_chronology",
            ),
            *super().get_urls(),
        ]

    # The change page and changelist templates (admin/cases/case/) show the links only
    # when this context is set: another admin site may register Case without these views.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        url = reverse(f"{self.admin_site.name}:cases_case_import_chronology", args=[object_id])
        extra_context = {**(extra_context or {}), "chronology_import_url": url}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        url = reverse(f"{self.admin_site.name}:cases_case_import_chronology_new")
        extra_context = {**(extra_context or {}), "chronology_new_case_url": url}
        return super().changelist_view(request, extra_context)

    # -- views ---------------------------------------------------------------------------
    def import_chronology_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self.get_object(request, unquote(object_id))  # through the visibility layer
        if case is None:
            raise Http404(_("No such case."))
        if not can_edit_case(request, case):
            raise PermissionDenied
        form = ChronologyForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and "_confirm" in request.POST and form.is_valid():
            return self._confirm(request, form, case=case)
        return self._render(request, form, case=case)

    def new_case_from_chronology_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        owners = self._owners(request)
        viewer_org = admin_viewer(request).organisation_id
        form = NewCaseChronologyForm(
            request.POST or None, request.FILES or None, initial={"owner": viewer_org}
        )
        form.fields["owner"].queryset = owners
        if request.method == "POST" and "_confirm" in request.POST and form.is_valid():
            return self._confirm(request, form, case=None)
        return self._render(request, form, case=None)

    # -- helpers ---------------------------------------------------------------------------
    def _owners(self, request: HttpRequest):
        members = Organisation.objects.filter(is_member=True).order_by("name")
        if is_installation_admin(request):
            return members
        return members.filter(pk=admin_viewer(request).organisation_id)

    def _render(self, request: HttpRequest, form: ChronologyForm, *, case: Case | None):
        result: ParseResult | None = None
        if request.method == "POST" and form.is_valid():
            result = form.cleaned_data["result"]  # the preview: parsed, nothing written
        title = _("Import chronology") if case else _("New case from chronology")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "case": case,
            "original": case,
            "form": form,
            "result": result,
            "document_charges": _charges_by_document(result) if result else [],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, TEMPLATE, context)

    def _confirm(self, request: HttpRequest, form: ChronologyForm, *, case: Case | None):
        data = form.cleaned_data
        title = data.get("source_title") or str(_("Chronology pasted in the admin"))
        new = case is None
        try:
            with transaction.atomic():
                if case is None:
                    case = chronology_case_create(
                        person_name=data["person"],
                        country=data["country"],
                        owner=data["owner"],
                        status=data["status"],
                        tier=data["tier"],
                    )
                report = chronology_import(
                    case=case, text=data["chronology"], result=data["result"], source_title=title
                )
        except ChronologyImportError as exc:
            form.add_error(None, str(exc))
            return self._render(request, form, case=None if new else case)
        url = reverse(f"{self.admin_site.name}:cases_case_change", args=[case.pk])
        messages.success(
            request,
            format_html(
                _(
                    "Chronology imported into {link}: {created} new, {updated} updated, "
                    "{unchanged} unchanged, {kept} kept as edited by a caseworker; "
                    "{warnings} warning(s) to review."
                ),
                link=format_html('<a href="{}">{}</a>', url, case),
                created=report.total("created"),
                updated=report.total("updated"),
                unchanged=report.total("unchanged"),
                kept=report.total("kept_edited"),
                warnings=len(report.result.warnings),
            ),
        )
        return HttpResponseRedirect(url)


def _charges_by_document(result: ParseResult) -> list[dict]:
    return [
        {
            "document": c.document or "—",
            "date": c.document_date.iso() if c.document_date else "",
            "charge": c,
        }
        for c in result.charges
    ]
