"""FastWidgetRenderer prints exactly what Django's widget templates print."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from cases.models import TimelineEvent
from casetracker.admin_widgets import PartialDateWidget
from casetracker.form_renderer import FastWidgetRenderer

TEMPLATES = DjangoTemplates()
FAST = FastWidgetRenderer()

NASTY = "a <b> & \"c\" 'd'"


class Countries(forms.Form):
    country = CountryField(blank=True).formfield()


WIDGETS = [
    (forms.Select(choices=[("", "---------"), ("a", "A"), ("b", NASTY)]), "b"),
    (forms.Select(choices=[("x", "X")], attrs={"disabled": True, "data-n": 3}), None),
    (forms.Select(choices=[("x", "X")], attrs={"hidden": False, "title": None}), "x"),
    (forms.Select(choices=[("g", [("1", "one"), ("2", "two")]), ("3", "three")]), "2"),
    (forms.Select(choices=[(1, gettext_lazy("Yes")), (2, mark_safe("<i>safe</i>"))]), 1),
    (forms.Select(choices=[(NASTY, NASTY)], attrs={"title": NASTY}), NASTY),
    (forms.Select(choices=[(1, 7), (2, 2.5)]), 1),  # non-string labels: template fallback
    (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
    (forms.NullBooleanSelect(), None),
    (forms.NullBooleanSelect(), True),
    (Countries().fields["country"].widget, "IN"),
    (forms.TextInput(attrs={"size": 18, "placeholder": NASTY}), NASTY),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput(), mark_safe("<safe>")),
    (forms.HiddenInput(), 0),
    (forms.NumberInput(attrs={"min": 0}), 12),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.EmailInput(), "a@example.invalid"),
    (forms.URLInput(), "https://example.invalid/?a=1&b=2"),
    (forms.DateInput(), "2021-11-22"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.Textarea(attrs={"rows": 2, "cols": 40}), NASTY + "\nline two"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_each_widget_renders_the_same_as_the_templates(widget, value):
    attrs = {"id": "id_f", "required": True}
    expected = widget.render("f", value, attrs=attrs, renderer=TEMPLATES)
    assert widget.render("f", value, attrs=attrs, renderer=FAST) == expected


def test_model_choice_selects_render_the_same(db):
    from tests.factories import CaseFactory, SourceFactory

    case = CaseFactory()
    chosen = SourceFactory(case=case, title=NASTY)
    SourceFactory(case=case)
    form_class = forms.modelform_factory(TimelineEvent, fields=("source", "type", "tier"))
    form = form_class(initial={"source": chosen.pk})
    for name in ("source", "type", "tier"):
        bound = form[name]
        fast = bound.as_widget()
        form.renderer = TEMPLATES
        assert bound.as_widget() == fast, name
        form.renderer = FAST


def test_selects_inputs_and_textareas_skip_the_template_engine(monkeypatch):
    def no_templates(template_name):
        raise AssertionError(f"template used: {template_name}")

    renderer = FastWidgetRenderer()
    monkeypatch.setattr(renderer, "get_template", no_templates)
    for widget, value in WIDGETS:
        if widget.render("f", value, renderer=TEMPLATES).startswith(("<select", "<input", "<text")):
            if isinstance(widget, forms.Select) and widget.choices[0][1] == 7:
                continue  # non-string labels go to the template on purpose
            widget.render("f", value, renderer=renderer)


@pytest.mark.parametrize(
    "value",
    [
        None,
        [None, 1, False, ""],
        [None, 1, False, "since 10 March"],
        ["2021-11-22", 1, True, NASTY],
        [dt.date(2021, 11, 1), 2, False, "Nov. 2021"],
    ],
)
def test_partial_date_widget_renders_the_same_as_its_template(value):
    widget = PartialDateWidget()
    attrs = {"id": "id_date"}
    expected = widget.render("date", value, attrs=attrs, renderer=TEMPLATES)
    assert "partial-date" in expected
    assert widget.render("date", value, attrs=attrs, renderer=FAST) == expected


def test_error_lists_render_the_same_empty_or_not():
    from django.forms.utils import ErrorDict, ErrorList

    lists = [ErrorList(), ErrorList(["bad <b>"], field_id="id_f"), ErrorDict()]
    lists.append(ErrorDict({"f": ErrorList(["wrong & worse"])}))
    for errors in lists:
        for template in (errors.template_name, errors.template_name_ul):
            context = errors.get_context()
            assert FAST.render(template, context) == TEMPLATES.render(template, context)
