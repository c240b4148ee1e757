"""Shared bits of the plan_reminders / send_reminders commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone


def parse_now(text: str | None) -> dt.datetime | None:
    """``2022-04-14`` (midnight, server time zone) or a full ISO 8601 date-time."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--now {text!r} is not an ISO date or date-time (e.g. 2022-04-14 or "
            "2022-04-14T09:30:00+00:00)"
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value
