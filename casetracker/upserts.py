"""Shared plumbing for the ``*_upsert`` services of every app.

An upsert finds a row by its natural key, creates it when missing, and otherwise writes
only when something differs: a re-import that changes nothing must not move
``updated_at`` (partners' ``updated_since`` feeds and the change log read it). Rows a
caseworker has edited (``edited=True``) are never overwritten by an importer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
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


def _columns(model: type[models.Model], names: Sequence[str]) -> set[str]:
    """The concrete fields behind ``assign`` names (a partial date is four columns)."""
    columns: set[str] = set()
    for name in names:
        if name.endswith("_partial"):
            base = name.removesuffix("_partial")
            columns |= {base, f"{base}_precision", f"{base}_approximate", f"{base}_as_written"}
        else:
            columns.add(model._meta.get_field(name).name)
    return columns


def _validate(obj: models.Model, values: Mapping[str, Any]) -> None:
    # Field and model validation without a query per row: constraints (uniqueness,
    # checks) are the database's job, and a foreign key given as a saved instance of
    # this transaction needs no existence query (the FK constraint still holds).
    saved = [n for n, v in values.items() if isinstance(v, models.Model) and v.pk is not None]
    obj.full_clean(exclude=saved, validate_unique=False, validate_constraints=False)


def bulk_save_upserts(
    model: type[M],
    pairs: Sequence[tuple[M | None, Mapping[str, Any]]],
    *,
    respect_edited: bool,
    batch_size: int = 500,
) -> list[Upserted[M]]:
    """``save_upsert`` for many rows at once: one ``bulk_create`` of the new rows and one
    ``bulk_update`` of the changed ones (both audited by ``AuditedQuerySet``).

    Same outcomes as calling ``save_upsert`` per pair; every row is validated before
    anything is written. Post-save signals do not fire: the caller logs the change feed.
    """
    results: list[Upserted[M]] = []
    new: list[M] = []
    changed: list[M] = []
    columns: set[str] = set()
    for existing, values in pairs:
        if existing is None:
            obj = model()
            for name, value in values.items():  # a new row takes every value (no diff)
                setattr(obj, name, value)
            _validate(obj, values)
            new.append(obj)
            results.append(Upserted(obj, Outcome.CREATED))
        elif respect_edited and getattr(existing, "edited", False):
            results.append(Upserted(existing, Outcome.KEPT_EDITED))
        elif names := assign(existing, values):
            _validate(existing, values)
            changed.append(existing)
            columns |= _columns(model, names)
            results.append(Upserted(existing, Outcome.UPDATED))
        else:
            results.append(Upserted(existing, Outcome.UNCHANGED))
    manager = model._default_manager
    if new:
        manager.bulk_create(new, batch_size=batch_size)
    if changed:
        # bulk_update does not run auto_now: move updated_at as save() would.
        stamps = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        for obj in changed:
            for stamp in stamps:
                stamp.pre_save(obj, add=False)
        columns |= {f.name for f in stamps}
        manager.bulk_update(changed, sorted(columns), batch_size=batch_size)
    return results
