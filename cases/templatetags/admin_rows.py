"""Tabular inline cells written in Python (``admin/casetracker/edit_inline/tabular.html``).

Why: the bench case's change page prints 23 inline rows (15 records and 8 blank "add
another" rows) of ~8 cells, and Django's tabular template walks each row through three
nested ``{% for %}`` loops (fieldsets, lines, fields) with an ``{% if %}`` and five
variable lookups per cell. Printing the cells here took 6-15 ms of CPU off a ~150 ms
page (same process, the two templates alternated; README "Performance").
``tabular_cells`` prints exactly what those loops print (same whitespace, same
escaping); the rest of the template is Django 5.2's own. ``tests/admin/
test_tabular_cells.py`` compares whole change pages (editable, read-only, with errors)
rendered with this template and with Django's ``admin/edit_inline/tabular.html``.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def tabular_cells(inline_admin_form) -> str:
    """The ``<td>`` of every field of one inline row, as tabular.html's loops print them."""
    out = []
    for fieldset in inline_admin_form:
        out.append("\n          ")
        for line in fieldset:
            out.append("\n            ")
            for field in line:
                out.append(_cell(field))
            out.append("\n          ")
        out.append("\n        ")
    return mark_safe("".join(out))  # noqa: S308 - every part escaped in _cell


INDENT_TD, INDENT_BODY = "\n              ", "\n                  "


def _cell(field) -> str:
    """One ``<td>``: a read-only field's contents, or an editable field's errors and widget."""
    if field.is_readonly:
        name, hidden = field.field["name"], field.field["is_hidden"]
        body = f"{INDENT_BODY}<p>{conditional_escape(field.contents())}</p>{INDENT_TD}"
    else:
        bound = field.field
        name, hidden = bound.name, bound.is_hidden
        errors = conditional_escape(bound.errors.as_ul())
        body = f"{INDENT_BODY}{errors}{INDENT_BODY}{conditional_escape(bound)}{INDENT_TD}"
    css = (f"field-{conditional_escape(name)}" if name else "") + (" hidden" if hidden else "")
    return f'{INDENT_TD}<td class="{css}">{INDENT_TD}{body}{INDENT_TD}</td>\n            '
