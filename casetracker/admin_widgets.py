"""Admin form pieces: one compact widget for a partial date, labels without extra queries.

A partial date is four columns (value, precision, approximate, as written; see
``casetracker.fields.PartialDateField``). Caseworkers edit them as ONE form field, so a
tabular inline row shows "[2021-11-22] [day] [≈] [as written]" in a single cell instead
of four loosely related columns.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.db import models
from django.forms.renderers import get_default_renderer
from django.utils.html import conditional_escape, format_html, strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casetracker.fields import PrecisionChoices
from casetracker.form_renderer import FastWidgetRenderer
from casetracker.partialdate import PartialDate


def partial_date_names(model: type[models.Model]) -> list[str]:
    """Names of the PartialDateFields on ``model`` (a DateField with a ``_precision`` twin)."""
    names = {f.name for f in model._meta.concrete_fields}
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField)
        and not isinstance(f, models.DateTimeField)
        and f"{f.name}_precision" in names
    ]


def partial_date_sibling_names(name: str) -> tuple[str, str, str]:
    return (f"{name}_precision", f"{name}_approximate", f"{name}_as_written")


class PartialDateWidget(forms.MultiWidget):
    template_name = "admin/casetracker/widgets/partial_date.html"

    class Media:
        css = {"all": ["cases/admin/partial_date.css"]}

    def __init__(self, attrs=None):
        widgets = [
            AdminDateWidget(attrs={"title": _("date (first day of the period)")}),
            forms.Select(choices=PrecisionChoices.choices, attrs={"title": _("precision")}),
            forms.CheckboxInput(attrs={"title": _("approximate")}),
            forms.TextInput(
                attrs={"placeholder": _("as written"), "title": _("as written"), "size": 18}
            ),
        ]
        super().__init__(widgets, attrs)

    def _render(self, template_name, context, renderer=None):
        """``partial_date.html`` written out, when the fast renderer is in use.

        Every inline row has one to three partial dates, and the template's four includes
        were most of the widget time left on the change page. Same HTML as the template
        (``{% spaceless %}`` included): tests/casetracker/test_form_renderer.py.
        """
        renderer = renderer or get_default_renderer()
        if template_name != self.template_name or not isinstance(renderer, FastWidgetRenderer):
            return super()._render(template_name, context, renderer)
        date, precision, approximate, as_written = (
            renderer.render(sub["template_name"], {**context, "widget": sub})
            for sub in _subwidgets_for_fast_path(context["widget"]["subwidgets"])
        )
        title = conditional_escape(gettext("approximate"))
        html = (
            f'<span class="partial-date"><p class="date">{date}</p>{precision}'
            f'<label class="partial-date-approx" title="{title}">{approximate}\n\n&nbsp;≈</label>'
            f"{as_written}</span>"
        )
        return mark_safe(strip_spaces_between_tags(html))  # noqa: S308 - parts escaped

    def decompress(self, value):
        if isinstance(value, PartialDate):
            return [value.value, int(value.precision), value.approximate, value.as_written]
        if isinstance(value, list | tuple):
            return list(value)
        return [value, int(PrecisionChoices.DAY), False, ""]


def _subwidgets_for_fast_path(subwidgets: list[dict]) -> list[dict]:
    """The four sub-widget contexts, the admin date field unwrapped from its ``<p>``."""
    date, *rest = subwidgets
    if date["template_name"] != AdminDateWidget.template_name or len(rest) != 3:
        raise ValueError("PartialDateWidget's sub-widgets changed: update _render")
    return [{**date, "template_name": forms.DateInput.template_name}, *rest]


class ReadOnlyPartialDateWidget(forms.Widget):
    """What auditors and campaigners see: "November 2021 (as written: “Nov. 2021”)"."""

    read_only = True  # AdminReadonlyField renders us instead of the bare date

    def __init__(self, text: str = "", as_written: str = ""):
        super().__init__()
        self.text, self.as_written = text, as_written

    def render(self, name, value, attrs=None, renderer=None):
        if not self.as_written or self.as_written == self.text:
            return format_html("{}", self.text or "–")
        return format_html(
            "{} <span class='partial-date-as-written'>({}: “{}”)</span>",
            self.text or "–",
            _("as written"),
            self.as_written,
        )


class PartialDateFormField(forms.MultiValueField):
    widget = PartialDateWidget

    def __init__(self, *, required: bool = False, **kwargs):
        fields = (
            forms.DateField(required=False),
            forms.TypedChoiceField(coerce=int, choices=PrecisionChoices.choices, required=False),
            forms.BooleanField(required=False),
            forms.CharField(required=False, max_length=200),
        )
        super().__init__(fields, required=required, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        """Returns (PartialDate or None, as_written): a bare "since 10 March" is kept."""
        if not data_list:
            return (None, "")
        value, precision, approximate, as_written = (list(data_list) + [None] * 4)[:4]
        as_written = (as_written or "").strip()
        if value is None:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return (None, as_written)
        pd = PartialDate(value, precision or PrecisionChoices.DAY, bool(approximate), as_written)
        return (pd, as_written)

    def has_changed(self, initial, data):
        # MultiValueField compares a None initial with "" sub-values, which would make the
        # default precision ("day") look like a change and validate every empty extra row.
        if initial is None:
            initial = self.widget.decompress(None)
        return super().has_changed(initial, data)


class InstanceLabelAutocompleteSelect(AutocompleteSelect):
    """Autocomplete that labels the selected option from the row already in memory.

    The stock widget runs one query per rendered form to label the selected value, an
    N+1 in tabular inlines; the inline's queryset select_related()s the target instead.
    """

    known_labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if v not in (None, "")}
        labels = self.known_labels or {}
        if not selected or not selected.issubset(labels):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required:
            default[1].append(self.create_option(name, "", "", False, 0))
        for pk in sorted(selected):
            default[1].append(self.create_option(name, pk, labels[pk], selected, len(default[1])))
        return [default]


class AdminRecordForm(forms.ModelForm):
    """Base form of every casetracker admin form and inline form.

    - Replaces each partial date's value field with one PartialDateFormField (the three
      sibling columns are set from it in ``clean``), or with a read-only rendering when
      the user may only view (``partial_dates_read_only`` is set by the admin).
    - Labels autocomplete selections from instances already loaded (no query per row).
    """

    partial_dates_read_only = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._partials = [n for n in partial_date_names(self._meta.model) if n in self.fields]
        for name in self._partials:
            self._install_partial_field(name)
        self._label_autocompletes()

    def _install_partial_field(self, name: str) -> None:
        model_field = self._meta.model._meta.get_field(name)
        old = self.fields[name]
        partial = getattr(self.instance, f"{name}_partial")
        as_written = getattr(self.instance, f"{name}_as_written", "")
        if self.partial_dates_read_only:
            old.widget = ReadOnlyPartialDateWidget(str(partial) if partial else "", as_written)
            return
        field = PartialDateFormField(
            required=not model_field.null, label=old.label, help_text=old.help_text
        )
        self.fields[name] = field
        if partial is not None:
            self.initial[name] = partial
        elif as_written:
            self.initial[name] = [None, int(PrecisionChoices.DAY), False, as_written]
        else:
            self.initial.pop(name, None)

    def _label_autocompletes(self) -> None:
        cache = self.instance._state.fields_cache
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # unwrap the admin wrapper
            if isinstance(widget, InstanceLabelAutocompleteSelect) and cache.get(name):
                related = cache[name]
                widget.known_labels = {str(related.pk): field.label_from_instance(related)}

    def clean(self):
        cleaned = super().clean()
        if self.partial_dates_read_only:
            return cleaned
        for name in self._partials:
            if name not in cleaned:
                continue  # the sub-field already reported an error
            partial, as_written = cleaned[name] or (None, "")
            # The accessor floors the value to its precision ("15 Nov" at month → 1 Nov),
            # which the database's check constraint requires.
            setattr(self.instance, f"{name}_partial", partial)
            if partial is None:
                setattr(self.instance, f"{name}_as_written", as_written)
            cleaned[name] = getattr(self.instance, name)
        return cleaned
