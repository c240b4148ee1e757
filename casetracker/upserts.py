"""Shared plumbing for the ``*_upsert`` services of every app.

An upsert finds a row by its natural key, creates it when missing, and otherwise writes
only when something differs: a re-import that changes nothing must not move
``updated_at`` (partners' ``updated_since`` feeds and the change log read it). Rows a
caseworker has edited (``edited=True``) are never overwritten by an importer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from casetracker.partialdate import PartialDate

M = TypeVar("M", bound=models.Model)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    # The row exists and a caseworker edited it: the importer left it alone.
    KEPT_EDITED = "kept_edited"


@dataclass(frozen=True)
class Upserted(Generic[M]):
    """What an upsert did. Unpacks like ``get_or_create``: ``obj, created = ...``."""

    obj: M
    outcome: Outcome

    @property
    def created(self) -> bool:
        return self.outcome == Outcome.CREATED

    def __iter__(self) -> Iterator[Any]:
        yield self.obj
        yield self.created


def _current(obj: models.Model, name: str) -> Any:
    if name.endswith("_partial"):
        base = name.removesuffix("_partial")
        return (
            getattr(obj, base),
            getattr(obj, f"{base}_precision"),
            getattr(obj, f"{base}_approximate"),
            getattr(obj, f"{base}_as_written"),
        )
    field = obj._meta.get_field(name)
    if field.is_relation and field.many_to_one:
        return getattr(obj, field.attname)
    return getattr(obj, name)


def _wanted(name: str, value: Any) -> Any:
    if name.endswith("_partial"):
        if value is None:
            return (None, 1, False, "")
        pd: PartialDate = value
        return (pd.value, int(pd.precision), pd.approximate, (pd.as_written or "")[:200])
    if isinstance(value, models.Model):
        return value.pk
    return value


def differences(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Names in ``values`` whose value differs from ``obj``'s (partial dates in full)."""
    return [n for n, v in values.items() if _current(obj, n) != _wanted(n, v)]


def assign(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Set the differing values on ``obj`` (partial dates via ``X_partial``); return names."""
    changed = differences(obj, values)
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def save_upsert(
    model: type[M], existing: M | None, values: Mapping[str, Any], *, respect_edited: bool
) -> Upserted[M]:
    """Create, update or leave ``existing`` so that it carries ``values``; validate first."""
    if existing is None:
        obj = model()
        assign(obj, values)
        obj.full_clean()
        obj.save()
        return Upserted(obj, Outcome.CREATED)
    if respect_edited and getattr(existing, "edited", False):
        return Upserted(existing, Outcome.KEPT_EDITED)
    if not assign(existing, values):
        return Upserted(existing, Outcome.UNCHANGED)
    existing.full_clean()
    existing.save()
    return Upserted(existing, Outcome.UPDATED)
