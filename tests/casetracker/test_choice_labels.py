"""Admin choice fields carry their labels translated once, in the language of the request."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from casetracker.admin_mixins import translate_choice_labels
from people.models import Organisation

CHOICES = [
    ("", "---------"),
    ("yes", gettext_lazy("Yes")),
    ("group", [("no", gettext_lazy("No")), ("plain", "plain")]),
]


def _labels(choices) -> list:
    out = []
    for value, label in choices:
        out += _labels(label) if isinstance(label, list | tuple) else [(value, label)]
    return out


def test_lazy_labels_become_the_strings_of_the_active_language():
    with translation.override("fr"):
        field = translate_choice_labels(forms.TypedChoiceField(choices=CHOICES))
        expected = [(value, str(label)) for value, label in _labels(CHOICES)]
    assert _labels(field.choices) == expected
    assert not any(isinstance(label, Promise) for _value, label in _labels(field.choices))
    assert _labels(field.widget.choices) == expected  # what the <select> prints
    assert dict(expected)["yes"] == "Oui"  # Django's own French catalogue


def test_lazy_choice_sources_and_model_choices_are_left_alone():
    def lazy_source():
        return CHOICES

    callable_field = forms.ChoiceField(choices=lazy_source)
    source = callable_field.choices
    assert translate_choice_labels(callable_field).choices is source
    model_field = forms.ModelChoiceField(queryset=Organisation.objects.none())
    assert translate_choice_labels(model_field).queryset is model_field.queryset
