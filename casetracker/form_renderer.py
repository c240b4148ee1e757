"""A form renderer that writes the commonest widgets in Python, byte for byte as Django would.

Why: the case change page renders ~280 widgets, and Django renders each ``<select>``
option through its own ``{% include %}`` of ``select_option.html`` and ``attrs.html``
(a country select is 250 template renders; the timeline's type, tier and source selects
repeat in every inline row). That template work was a third of the change page at
100,000 cases (README "Performance"). The HTML is the same; only the way it is built
changes.

``FastWidgetRenderer`` is Django's ``DjangoTemplates`` renderer with a fast path for
``select.html`` (and its options), the ``input.html`` family, ``textarea.html`` and empty
error lists (~180 a page) — the
templates of Django's own directory, which this renderer consults before any app's (so
no app can override them under it). Anything the fast path does not know exactly as the
template engine would print it (a non-string label, a callable, an unfamiliar option
template) falls back to the template. ``tests/casetracker/test_form_renderer.py``
compares both renderings for every kind of widget, ``tests/admin/test_form_renderer_pages.py``
whole admin case pages.
"""

from __future__ import annotations

from html import escape as html_escape

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "checkbox.html",
        "color.html",
        "date.html",
        "datetime.html",
        "email.html",
        "file.html",
        "hidden.html",
        "number.html",
        "password.html",
        "search.html",
        "tel.html",
        "text.html",
        "time.html",
        "url.html",
    )
)


class _Fallback(Exception):
    """The fast path cannot promise the template's exact output: render the template."""


def _text(value) -> str:
    """``{{ value }}`` for a string or lazy string (anything else may be localized)."""
    if type(value) is str:  # the common case, without conditional_escape's dispatch
        return html_escape(value)
    if isinstance(value, str | Promise) and not callable(value):
        return conditional_escape(value)
    raise _Fallback


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: "%s" of the value, escaped unless it was safe."""
    if type(value) is str:
        return html_escape(value)
    if callable(value):
        raise _Fallback  # the template would call it
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _text(name))
        if value is not True:
            out.append('="' + _formatted(value) + '"')
    return "".join(out)


def _option(option: dict) -> str:
    """``select_option.html``, including the newline at the end of the file."""
    if option.get("template_name") != OPTION_TEMPLATE:
        raise _Fallback
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def render_select(widget: dict) -> str:
    """``select.html`` (Select, SelectMultiple, NullBooleanSelect, django-countries)."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def render_input(widget: dict) -> str:
    """``input.html`` and the templates that only include it (text, hidden, number ...)."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def render_textarea(widget: dict) -> str:
    value = widget["value"]
    if callable(value):
        raise _Fallback
    body = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>'


# Each of these templates is "{% if errors %}…{% endif %}" (or includes one that is): the
# admin prints every field's error list, empty on a page that was not posted.
EMPTY_IF_NO_ERRORS = frozenset(
    f"django/forms/errors/{kind}/{name}.html"
    for kind in ("list", "dict")
    for name in ("ul", "default")
)

FAST_PATHS = {
    WIDGETS + "select.html": render_select,
    WIDGETS + "textarea.html": render_textarea,
    **dict.fromkeys(INPUT_TEMPLATES, render_input),
}


class FastWidgetRenderer(DjangoTemplates):
    """``DjangoTemplates`` with the fast paths above (settings.FORM_RENDERER)."""

    def render(self, template_name, context, request=None):
        if template_name in EMPTY_IF_NO_ERRORS and not context.get("errors", True):
            return ""
        fast = FAST_PATHS.get(template_name)
        widget = context.get("widget") if fast is not None else None
        if isinstance(widget, dict):
            try:
                return mark_safe(fast(widget))  # noqa: S308 - every part escaped above
            except (_Fallback, KeyError, TypeError):
                pass
        return super().render(template_name, context, request)
