"""When the sender last swept, for /health/.

The age check applies once a sweep has ever run (beat with a broker, or the demo's
``send_reminders --loop``): from then on a last sweep older than three intervals turns
/health/ into a 503. An installation that has never swept (a fresh deployment before beat's
first tick, CI, a laptop without the loop) reports ``last_sweep_age_seconds: null`` and
stays healthy, so a container healthcheck does not fail the web service before the first
tick; that state is visible in the response (``note``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import SweepHeartbeat


def touch_heartbeat(**fields) -> None:
    """Record real wall-clock times (not an injected ``now``): this is about liveness."""
    if SweepHeartbeat.objects.filter(pk=1).update(**fields):
        return
    try:
        with transaction.atomic():
            SweepHeartbeat.objects.create(pk=1, **fields)
    except IntegrityError:  # another sweeper created it between our update and insert
        SweepHeartbeat.objects.filter(pk=1).update(**fields)


def sweep_interval() -> int:
    return int(getattr(settings, "REMINDER_SWEEP_INTERVAL_SECONDS", 60))


def check_reminders(*, now=None) -> dict:
    try:
        last = SweepHeartbeat.objects.filter(pk=1).values_list("last_sweep_at", flat=True).first()
    except Exception as exc:  # the database check reports the cause; this one just says so
        return {"ok": False, "error": type(exc).__name__}
    limit = 3 * sweep_interval()
    if last is None:
        return {"ok": True, "last_sweep_age_seconds": None, "note": "no sweep has run yet"}
    age = max(0, int(((now or timezone.now()) - last).total_seconds()))
    return {"ok": age <= limit, "last_sweep_age_seconds": age, "limit_seconds": limit}
