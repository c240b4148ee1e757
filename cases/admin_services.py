"""Writes the caseworker admin makes beyond a plain save (to be folded into services.py)."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from cases.models import ReviewItem


@transaction.atomic
def record_mark_edited(*, record: models.Model) -> bool:
    """Flag an imported record (non-empty ``fingerprint``) as edited by a caseworker.

    Importers match on the fingerprint and skip rows with ``edited=True``, so a
    caseworker's correction is never overwritten by a re-import. Hand-made records
    (no fingerprint) and models without an ``edited`` column are left alone.
    Returns whether the flag was set now.
    """
    if not getattr(record, "fingerprint", "") or not hasattr(record, "edited"):
        return False
    if record.edited:
        return False
    record.edited = True
    if record.pk is not None:
        type(record)._default_manager.filter(pk=record.pk).update(edited=True)
    return True


def _close_review_items(
    *, items: models.QuerySet, status: str, user, resolution: str, now: dt.datetime | None
) -> int:
    now = now or timezone.now()
    closed = 0
    # Lock by primary key: the caller's queryset may carry visibility joins and subqueries.
    pks = list(items.values_list("pk", flat=True))
    locked = ReviewItem.objects.select_for_update().filter(
        pk__in=pks, status=ReviewItem.Status.OPEN
    )
    for item in locked:
        item.status = status
        item.resolved_by = user
        item.resolved_at = now
        if resolution:
            item.resolution = resolution
        item.full_clean()
        item.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        closed += 1
    return closed


@transaction.atomic
def review_items_resolve(
    *, items: models.QuerySet, user, resolution: str = "", now: dt.datetime | None = None
) -> int:
    """Mark open review items resolved, recording who and when. Returns how many."""
    return _close_review_items(
        items=items, status=ReviewItem.Status.RESOLVED, user=user, resolution=resolution, now=now
    )


@transaction.atomic
def review_items_dismiss(
    *, items: models.QuerySet, user, resolution: str = "", now: dt.datetime | None = None
) -> int:
    """Dismiss open review items (not a real problem), recording who and when."""
    return _close_review_items(
        items=items, status=ReviewItem.Status.DISMISSED, user=user, resolution=resolution, now=now
    )
