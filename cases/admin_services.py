"""Writes the caseworker admin makes beyond a plain save.

(Marking a row edited is ``cases.services.record_mark_edited``, shared with the API.)
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from cases.models import ReviewItem


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
