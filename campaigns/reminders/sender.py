"""The sender: sweeps due reminders, claims each, sends it, records every attempt.

Exactly-once rules (DOMAIN.md "Reminders — once, and not twice"):
- a row is *claimed* before anything is sent: pending → sending with a fresh claim token,
  in a short transaction (PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``, so concurrent
  sweepers never wait on or take the same row; SQLite: a conditional
  ``UPDATE … WHERE state = 'pending'`` whose row count says who won);
- only the holder of the claim token may finish the row (sent / failed);
- if a process dies between claiming and finishing, the row stays "sending"; after
  ``REMINDER_CLAIM_TIMEOUT_SECONDS`` a sweep moves it to "needs review". It is never sent
  again automatically (we cannot know whether the first send got out) and never lost:
  a person looks at the attempts and resends from the admin if needed;
- transient failures are retried inside the claim with a bounded backoff, then "failed".
No transaction is held open while talking to a mail server or a webhook.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Reminder, ReminderAttempt
from campaigns.reminders import channels
from campaigns.reminders.heartbeat import touch_heartbeat
from campaigns.reminders.selectors import subscription_viewer
from cases.models import Case
from casetracker.visibility import visible

log = logging.getLogger("casetracker.reminders")

State = Reminder.State
Outcome = ReminderAttempt.Outcome


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "REMINDER_CLAIM_TIMEOUT_SECONDS", 900)))


def retry_backoff() -> list[float]:
    """Pauses between attempts; len + 1 attempts in all. Bounded well below the timeout."""
    return [float(s) for s in getattr(settings, "REMINDER_RETRY_BACKOFF_SECONDS", [1, 4])]


class SweepResult(Counter):
    def __str__(self) -> str:
        keys = ("sent", "failed", "cancelled", "needs_review", "expired")
        return ", ".join(f"{self[k]} {k.replace('_', ' ')}" for k in keys)


def sweep_reminders(
    *,
    now: dt.datetime | None = None,
    transport=None,
    sleep: Callable[[float], None] = time.sleep,
    limit: int | None = None,
    max_seconds: float | None = None,
) -> SweepResult:
    """Send everything due. ``now`` pins the clock (tests, ``--now``); else real time."""
    clock = (lambda: now) if now is not None else timezone.now
    result = SweepResult()
    result["needs_review"] += flag_stuck_claims(now=clock())
    result["expired"] += expire_stale(now=clock())
    transport = transport or channels.get_transport()
    max_seconds = max_seconds or float(getattr(settings, "REMINDER_SWEEP_MAX_SECONDS", 200))
    started, seen = time.monotonic(), {}
    while (limit is None or result["claimed"] < limit) and time.monotonic() - started < max_seconds:
        reminder = claim_next(now=clock())
        if reminder is None:
            break
        result["claimed"] += 1
        outcome = send_claimed(reminder, transport=transport, clock=clock, sleep=sleep, seen=seen)
        result[outcome] += 1
    touch_heartbeat(last_sweep_at=timezone.now(), last_sweep_sent=result["sent"])
    log.info("sender: %s", result)
    return result


# -- claiming ------------------------------------------------------------------------------
def _due(now: dt.datetime):
    return Reminder.objects.due(now).order_by("due_at", "id")


def claim_next(*, now: dt.datetime) -> Reminder | None:
    token = uuid.uuid4()
    if connection.vendor == "postgresql":
        return _claim_skip_locked(now, token)
    return _claim_conditional(now, token)


def _claim_skip_locked(now: dt.datetime, token: uuid.UUID) -> Reminder | None:
    # Lock only the pk (a light query), flip the state and commit; load the row after.
    with transaction.atomic():
        pk = _due(now).select_for_update(skip_locked=True).values_list("pk", flat=True).first()
        if pk is None:
            return None
        Reminder.objects.filter(pk=pk).update(
            state=State.SENDING, claim_token=token, claimed_at=now
        )
    return _load(pk)


def _load(pk: int) -> Reminder:
    return Reminder.objects.select_related("subscription__user__membership", "case").get(pk=pk)


def _claim_conditional(now: dt.datetime, token: uuid.UUID) -> Reminder | None:
    while True:
        candidates = list(_due(now).values_list("pk", flat=True)[:20])
        if not candidates:
            return None
        for pk in candidates:
            won = Reminder.objects.filter(pk=pk, state=State.PENDING).update(
                state=State.SENDING, claim_token=token, claimed_at=now
            )
            if won:
                return _load(pk)


# -- sending -------------------------------------------------------------------------------
def still_visible(reminder: Reminder, cache: dict | None = None) -> bool:
    """The recipient may still see the case (consent withdrawn, tier raised, share ended).

    Checked at send time, not only when planned; ``cache`` keeps the answer for one
    sweep per (subscription, case), so a backlog of 10,000 rows costs a few queries.
    """
    if not reminder.subscription.active:
        return False
    key = (reminder.subscription_id, reminder.case_id)
    if cache is None or key not in cache:
        viewer = subscription_viewer(reminder.subscription)
        answer = visible(viewer, Case, Case.objects.filter(pk=reminder.case_id)).exists()
        if cache is None:
            return answer
        cache[key] = answer
    return cache[key]


def send_claimed(reminder: Reminder, *, transport, clock, sleep, seen: dict | None = None) -> str:
    """Deliver a row this process has claimed; returns the outcome for the tally."""
    if not still_visible(reminder, seen):
        _finish(reminder, State.CANCELLED, attempts=0)
        return "cancelled"
    pauses = retry_backoff()
    for number in range(1, len(pauses) + 2):
        at = clock()
        try:
            status = channels.deliver(transport, reminder, now=at)
        except channels.TransientDeliveryError as exc:
            _record(reminder, number, at, Outcome.TRANSIENT_ERROR, exc.error_class, exc.status_code)
            if number <= len(pauses):
                sleep(pauses[number - 1])
                continue
            _finish(reminder, State.FAILED, attempts=number, error=exc.error_class)
            return "failed"
        except Exception as exc:  # permanent, or a bug: not retried, kept for a person
            error = getattr(exc, "error_class", type(exc).__name__)
            # Class only: an exception's message may quote the content.
            log.warning("sender: reminder %s failed permanently: %s", reminder.pk, error)
            with transaction.atomic():
                _record(reminder, number, at, Outcome.PERMANENT_ERROR, error, _status(exc))
                _finish(reminder, State.FAILED, attempts=number, error=error)
            return "failed"
        with transaction.atomic():  # one commit: the attempt and the state agree
            _record(reminder, number, at, Outcome.SUCCESS, "", status)
            _finish(reminder, State.SENT, attempts=number, sent_at=at)
        return "sent"
    raise AssertionError("unreachable")  # pragma: no cover


def _status(exc: Exception) -> int | None:
    return getattr(exc, "status_code", None)


def _record(reminder, number, at, outcome, error_class="", status_code=None) -> None:
    ReminderAttempt.objects.create(
        reminder_id=reminder.pk,
        at=at,
        channel=reminder.channel,
        number=reminder.attempt_count + number,
        outcome=outcome,
        error_class=error_class[:100],
        status_code=status_code,
        claim_token=reminder.claim_token,
    )


def _finish(reminder: Reminder, state: str, *, attempts: int, error: str = "", sent_at=None):
    """Only the claim holder finishes the row; a row flagged stuck meanwhile stays flagged."""
    done = Reminder.objects.filter(
        pk=reminder.pk, state=State.SENDING, claim_token=reminder.claim_token
    ).update(
        state=state,
        sent_at=sent_at,
        attempt_count=F("attempt_count") + attempts,
        last_error_class=error[:100],
    )
    if not done:
        log.warning("sender: reminder %s lost its claim before finishing", reminder.pk)


# -- housekeeping ----------------------------------------------------------------------------
def flag_stuck_claims(*, now: dt.datetime) -> int:
    cutoff = now - claim_timeout()
    stuck = Reminder.objects.filter(state=State.SENDING, claimed_at__lt=cutoff)
    flagged = 0
    for pk, token, channel in stuck.values_list("pk", "claim_token", "channel"):
        if Reminder.objects.filter(pk=pk, state=State.SENDING, claim_token=token).update(
            state=State.NEEDS_REVIEW
        ):
            ReminderAttempt.objects.create(
                reminder_id=pk, at=now, channel=channel, outcome=Outcome.STUCK, claim_token=token
            )
            flagged += 1
    if flagged:
        log.warning("sender: %s stuck claims moved to needs review", flagged)
    return flagged


def expire_stale(*, now: dt.datetime) -> int:
    """A reminder still pending after its date has passed is not worth sending any more."""
    return _due(now).filter(occurrence_date__lt=timezone.localdate(now)).update(state=State.EXPIRED)
