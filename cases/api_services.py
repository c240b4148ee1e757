"""Writes made through the API: keyword-only, validated, atomic, concurrency-checked.

(cases/services.py holds the importers' upsert helpers; these are the caseworker API's.)
Each write runs ``full_clean()`` so a bad value is a 400 with the field named, and an
update compares the caller's ``If-Match`` with the row's ETag under a row lock, so two
caseworkers editing the same hearing cannot silently overwrite each other.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from cases.services import importer_may_match
from casetracker.api.base import etag_for
from casetracker.api.exceptions import PreconditionFailed, PreconditionRequired
from people.models import Person


def _assign(instance: models.Model, data: dict[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)  # "<x>_partial" keys go through the accessor


def _check_tier(instance: models.Model, allowed_tiers: list[str]) -> None:
    if instance.tier not in allowed_tiers:
        raise ValidationError(
            {"tier": _("You may set the tier to one of: %s.") % ", ".join(allowed_tiers)}
        )


@transaction.atomic
def case_create(
    *, owner_id: int, data: dict[str, Any], allowed_tiers: list[str], person_name: str = ""
):
    from cases.models import Case

    case = Case(owner_id=owner_id)
    _assign(case, data)
    _check_tier(case, allowed_tiers)
    if person_name and case.person_id is None:
        person = Person(primary_name=person_name, country=case.country, tier=case.tier)
        person.full_clean()
        person.save()
        case.person = person
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def record_create(*, model: type[models.Model], case, data: dict[str, Any], allowed_tiers):
    record = model(case=case)
    _assign(record, data)
    _check_tier(record, allowed_tiers)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def record_update(
    *, instance: models.Model, data: dict[str, Any], if_match: str | None, allowed_tiers
):
    """Update ``instance`` if ``if_match`` is still its ETag; mark imported rows edited."""
    if not if_match:
        raise PreconditionRequired()
    # The lock makes check-then-write atomic against a concurrent update (PostgreSQL).
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if if_match.strip() != etag_for(current):
        raise PreconditionFailed()
    _assign(current, data)
    _check_tier(current, allowed_tiers)
    if importer_may_match(current):
        current.edited = True  # importers and load_seeds never overwrite a caseworker's edit
    current.full_clean()
    current.save()
    return current
