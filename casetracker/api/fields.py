"""Serializer fields: partial dates, day counts, and text that is safe to store."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casetracker.partialdate import DayRange, PartialDate, Precision

# Explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
# can make "Sentenced" read as something else ("Trojan Source"). Right-to-left names do not
# need them; the plain marks U+200E/U+200F stay allowed.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

PARTIAL_DATE_SCHEMA = {
    "type": "object",
    "properties": {
        "date": {
            "type": "string",
            "example": "2021-09",
            "description": "YYYY, YYYY-MM or YYYY-MM-DD",
        },
        "precision": {"type": "string", "enum": [p.label for p in Precision]},
        "approximate": {"type": "boolean"},
        "as_written": {"type": "string", "example": "In September 2016"},
        "edtf": {"type": "string", "example": "2021-09~"},
    },
    "required": ["date", "precision", "approximate", "as_written", "edtf"],
}


def reject_bidi_controls(value: str) -> None:
    match = BIDI_CONTROLS.search(value or "")
    if match:
        raise serializers.ValidationError(
            _(
                "Contains an invisible bidirectional control character (U+%(cp)04X, %(name)s); "
                "remove it."
            )
            % {"cp": ord(match.group()), "name": unicodedata.name(match.group(), "?")}
        )


class SafeCharField(serializers.CharField):
    """CharField refusing NUL bytes (DRF does) and bidi control characters."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(reject_bidi_controls)


@extend_schema_field(
    {
        "oneOf": [
            PARTIAL_DATE_SCHEMA,
            {
                "type": "string",
                "description": "EDTF: 2021, 2021-09, 2021-09-03, 2021-09~, 198X",
            },
        ],
        "nullable": True,
    }
)
class PartialDateField(serializers.Field):
    """``{"date": "2021-09", "precision": "month", ...}`` in and out; an EDTF string in."""

    default_error_messages = {
        "invalid": _("Give an EDTF string or an object with 'date' and 'precision'."),
    }

    def to_representation(self, value: PartialDate | None):
        if value is None:
            return None
        return {
            "date": value.iso(),
            "precision": value.precision.label,
            "approximate": value.approximate,
            "as_written": value.as_written,
            "edtf": value.edtf(),
        }

    def to_internal_value(self, data) -> PartialDate:
        if isinstance(data, str):
            return self._parse(data, None, None, "")
        if not isinstance(data, dict) or not isinstance(data.get("date"), str):
            self.fail("invalid")
        approximate = data.get("approximate")
        as_written = data.get("as_written", "")
        if approximate is not None and not isinstance(approximate, bool):
            raise serializers.ValidationError(_("'approximate' must be true or false."))
        if not isinstance(as_written, str) or len(as_written) > 200:
            raise serializers.ValidationError(
                _("'as_written' must be text of at most 200 characters.")
            )
        reject_bidi_controls(as_written)
        return self._parse(data["date"], data.get("precision"), approximate, as_written)

    @staticmethod
    def _parse(text, precision, approximate, as_written) -> PartialDate:
        if "\x00" in text or (precision is not None and not isinstance(precision, str)):
            raise serializers.ValidationError(_("Not a date."))
        try:
            parsed = PartialDate.parse(text, precision, as_written)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if not 1000 <= parsed.value.year <= 2999:
            raise serializers.ValidationError(_("The year must be between 1000 and 2999."))
        if approximate is not None:
            parsed = PartialDate(parsed.value, parsed.precision, approximate, parsed.as_written)
        return parsed


@extend_schema_field(
    {
        "oneOf": [
            {"type": "object", "properties": {"days": {"type": "integer"}}, "required": ["days"]},
            {
                "type": "object",
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
                "required": ["min", "max"],
            },
        ],
        "nullable": True,
        "description": "Days detained: exact, or a range when the start date is imprecise.",
    }
)
class DaysField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: DayRange | None):
        if value is None:
            return None
        return {"days": value.low} if value.exact else {"min": value.low, "max": value.high}
