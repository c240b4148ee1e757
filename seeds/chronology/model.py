"""The parser's output: frozen dataclasses with a JSON-able ``to_dict``.

Dates stay ``PartialDate`` objects on the dataclasses because the loader writes them to
the database with their precision; ``to_dict`` turns them into ``YYYY[-MM[-DD]]`` strings.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from casetracker.partialdate import PartialDate

EVENT_TYPES = (
    "raid",
    "arrest",
    "detention",
    "custody_extension",
    "transfer",
    "charge",
    "charge_sheet",
    "hearing",
    "trial",
    "verdict",
    "sentence",
    "bail",
    "release",
    "hunger_strike",
    "travel_ban",
    "death",
    "designation",
    "statement",
    "campaign",
    "award",
    "anniversary",
    "other",
)
HEARING_KINDS = (
    "remand",
    "custody_extension",
    "trial_session",
    "verdict",
    "appeal",
    "bail",
    "other",
)
DETENTION_TYPES = (
    "police_custody",
    "pre_trial",
    "prison",
    "house_arrest",
    "administrative",
    "unknown_whereabouts",
)
WARNING_KINDS = (
    "out_of_sequence",
    "arithmetic",
    "missing_year",
    "unreadable",
    "anniversary_mismatch",
)


class ChronologyError(ValueError):
    """The only exception ``parse`` raises: the input cannot be read as text at all."""


def _iso(date: PartialDate | None) -> str | None:
    return None if date is None else date.iso()


@dataclass(frozen=True)
class Entry:
    """One dated item. ``style`` is "list" (a line led by a date and ":" or a dash, or a
    date standing alone as a heading) or "prose" (a dated sentence inside running text);
    only list entries are checked for sequence. ``style`` is not part of ``to_dict``.

    ``secondary`` marks a further event named in the same text as the entry before it
    ("raided ... an arrest memo": a raid and an arrest on one date, see
    ``classify.also_types``); its fingerprint includes its type so both rows can coexist."""

    line: int
    date: PartialDate
    type: str
    text: str
    style: str = "list"
    secondary: bool = False
    fingerprint: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        text = f"{self.text}\x1e{self.type}" if self.secondary else self.text
        object.__setattr__(self, "fingerprint", fingerprint(self.as_written, text))

    @property
    def approximate(self) -> bool:
        return self.date.approximate

    @property
    def as_written(self) -> str:
        return self.date.as_written

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "date": self.date.iso(),
            "precision": self.date.precision.label,
            "approximate": self.approximate,
            "as_written": self.as_written,
            "type": self.type,
            "text": self.text,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Charge:
    line: int
    law: str
    section: str
    description: str
    document: str | None
    document_date: PartialDate | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "law": self.law,
            "section": self.section,
            "description": self.description,
            "document": self.document,
            "document_date": _iso(self.document_date),
        }


@dataclass(frozen=True)
class Hearing:
    line: int
    date: PartialDate
    kind: str
    court: str | None
    custody_days: int | None
    custody_until: PartialDate | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "date": self.date.iso(),
            "precision": self.date.precision.label,
            "kind": self.kind,
            "court": self.court,
            "custody_days": self.custody_days,
            "custody_until": _iso(self.custody_until),
            "text": self.text,
        }


@dataclass(frozen=True)
class Detention:
    line: int
    date: PartialDate
    type: str
    facility: str | None
    place: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "date": self.date.iso(),
            "precision": self.date.precision.label,
            "type": self.type,
            "facility": self.facility,
            "place": self.place,
            "text": self.text,
        }


@dataclass(frozen=True)
class ParseWarning:
    """Something a caseworker should check. The source is never corrected, only flagged."""

    line: int
    kind: str
    message: str
    as_written: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "kind": self.kind,
            "message": self.message,
            "as_written": self.as_written,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class ParseResult:
    entries: tuple[Entry, ...] = ()
    charges: tuple[Charge, ...] = ()
    hearings: tuple[Hearing, ...] = ()
    detentions: tuple[Detention, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "entries": [e.to_dict() for e in self.entries],
            "charges": [c.to_dict() for c in self.charges],
            "hearings": [h.to_dict() for h in self.hearings],
            "detentions": [d.to_dict() for d in self.detentions],
            "warnings": [w.to_dict() for w in self.warnings],
        }


# -- fingerprints -------------------------------------------------------------------------
# Re-pasting the same chronology with different quote styles, spacing or case must give
# the same fingerprint, so the loader can skip entries it already holds.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\xa0": " "})
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return _SPACES.sub(" ", text).strip(" .;:,-")


def fingerprint(as_written: str, text: str) -> str:
    date_part = _normalise(as_written).replace(".", "").replace(",", "")
    payload = f"{_SPACES.sub(' ', date_part)}\x1f{_normalise(text)}"
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
