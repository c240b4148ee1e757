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
from django.db.models import Case as Case_
from django.db.models import F, Value, When
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
    started, viewers = time.monotonic(), {}
    while (limit is None or result["claimed"] < limit) and time.monotonic() - started < max_seconds:
        size = (
            claim_batch_size()
            if limit is None
            else min(claim_batch_size(), limit - result["claimed"])
        )
        batch = claim_batch(now=clock(), size=size)
        if not batch:
            break
        result["claimed"] += len(batch)
        outcomes = send_batch(
            batch,
            transport=transport,
            clock=clock,
            sleep=sleep,
            viewers=viewers,
            stop_at=started + max_seconds,
        )
        result.update(outcomes)
    touch_heartbeat(last_sweep_at=timezone.now(), last_sweep_sent=result["sent"])
    log.info("sender: %s", result)
    return result


# -- claiming ------------------------------------------------------------------------------
def claim_batch_size() -> int:
    """Rows claimed per short transaction: also the most a killed sweeper can strand."""
    return max(1, int(getattr(settings, "REMINDER_CLAIM_BATCH_SIZE", 50)))


def _due(now: dt.datetime):
    return Reminder.objects.due(now).order_by("due_at", "id")


def claim_batch(*, now: dt.datetime, size: int) -> list[Reminder]:
    """Claim up to ``size`` due rows under one fresh claim token, in one short transaction.

    One token for the batch: only this process holds it, so only this process can finish
    (or release) these rows. Returns them loaded with what sending needs.
    """
    token = uuid.uuid4()
    if connection.vendor == "postgresql":
        claimed = _claim_skip_locked(now, token, size)
    else:
        claimed = _claim_conditional(now, token, size)
    if not claimed:
        return []
    return list(
        Reminder.objects.select_related("subscription__user__membership", "case")
        .filter(state=State.SENDING, claim_token=token)
        .order_by("due_at", "id")
    )


def claim_next(*, now: dt.datetime) -> Reminder | None:
    batch = claim_batch(now=now, size=1)
    return batch[0] if batch else None


def _claim_skip_locked(now: dt.datetime, token: uuid.UUID, size: int) -> int:
    # Lock only the pks (a light query), flip their state and commit; load the rows after.
    with transaction.atomic():
        pks = list(
            _due(now).select_for_update(skip_locked=True).values_list("pk", flat=True)[:size]
        )
        if not pks:
            return 0
        return Reminder.objects.filter(pk__in=pks).update(
            state=State.SENDING, claim_token=token, claimed_at=now
        )


def _claim_conditional(now: dt.datetime, token: uuid.UUID, size: int) -> int:
    # One UPDATE … WHERE state = 'pending': a row another sweeper took meanwhile is skipped.
    while True:
        candidates = list(_due(now).values_list("pk", flat=True)[:size])
        if not candidates:
            return 0
        won = Reminder.objects.filter(pk__in=candidates, state=State.PENDING).update(
            state=State.SENDING, claim_token=token, claimed_at=now
        )
        if won:
            return won


# -- sending -------------------------------------------------------------------------------
def _viewer(subscription, viewers: dict | None):
    if viewers is None:
        return subscription_viewer(subscription)
    if subscription.pk not in viewers:
        viewers[subscription.pk] = subscription_viewer(subscription)
    return viewers[subscription.pk]


def visible_pairs(batch: list[Reminder], viewers: dict | None = None) -> set[tuple[int, int]]:
    """(subscription, case) pairs whose recipient may still see the case, checked now.

    Consent withdrawn, tier raised or share ended since planning: checked at send time,
    with one query per subscription in the batch.
    """
    by_sub: dict[int, tuple] = {}
    for reminder in batch:
        if reminder.subscription.active:
            sub, ids = by_sub.setdefault(reminder.subscription_id, (reminder.subscription, set()))
            ids.add(reminder.case_id)
    pairs = set()
    for sub_id, (sub, ids) in by_sub.items():
        qs = visible(_viewer(sub, viewers), Case, Case.objects.filter(pk__in=ids))
        pairs.update((sub_id, pk) for pk in qs.values_list("pk", flat=True))
    return pairs


def still_visible(reminder: Reminder) -> bool:
    return (reminder.subscription_id, reminder.case_id) in visible_pairs([reminder])


class _Ledger:
    """What a batch did, written in one transaction at the end: attempts and final states."""

    def __init__(self):
        self.attempts: list[ReminderAttempt] = []
        self.finished: dict[tuple[str, int, str], list[tuple[Reminder, object]]] = {}

    def record(self, reminder, number, at, outcome, error_class="", status_code=None) -> None:
        self.attempts.append(
            ReminderAttempt(
                reminder_id=reminder.pk,
                at=at,
                channel=reminder.channel,
                number=reminder.attempt_count + number,
                outcome=outcome,
                error_class=error_class[:100],
                status_code=status_code,
                claim_token=reminder.claim_token,
            )
        )

    def finish(self, reminder, state, *, attempts: int, error: str = "", sent_at=None) -> None:
        self.finished.setdefault((state, attempts, error[:100]), []).append((reminder, sent_at))

    @transaction.atomic
    def write(self) -> None:
        """Attempts and states in one commit, so they agree. Only the claim holder finishes."""
        ReminderAttempt.objects.bulk_create(self.attempts)
        for (state, attempts, error), rows in self.finished.items():
            token = rows[0][0].claim_token
            sent_at = None
            if state == State.SENT:
                sent_at = Case_(*(When(pk=r.pk, then=Value(at)) for r, at in rows))
            done = Reminder.objects.filter(
                pk__in=[r.pk for r, _ in rows], state=State.SENDING, claim_token=token
            ).update(
                state=state,
                sent_at=sent_at,
                attempt_count=F("attempt_count") + attempts,
                last_error_class=error,
            )
            if done < len(rows):
                log.warning(
                    "sender: %s reminders lost their claim before finishing", len(rows) - done
                )


def send_batch(
    batch: list[Reminder], *, transport, clock, sleep, viewers=None, stop_at: float | None = None
) -> Counter:
    """Deliver rows this process has claimed (one claim token); returns outcome counts.

    Rows not yet attempted when the claim grows older than half the claim timeout (a slow
    or failing endpoint), when the sweep's time is up (``stop_at``, monotonic) or when an
    exception ends the batch are released to pending: never attempted under this claim,
    they are safe to send later, and are neither flagged stuck nor held up. Attempted rows
    are finished as usual.
    """
    tally: Counter = Counter()
    ledger = _Ledger()
    pairs = visible_pairs(batch, viewers)
    deadline = time.monotonic() + claim_timeout().total_seconds() / 2
    if stop_at is not None:
        deadline = min(deadline, stop_at)
    started = 0
    try:
        for reminder in batch:
            if time.monotonic() > deadline:
                break
            started += 1
            if (reminder.subscription_id, reminder.case_id) not in pairs:
                ledger.finish(reminder, State.CANCELLED, attempts=0)
                tally["cancelled"] += 1
                continue
            tally[_deliver(reminder, ledger, transport=transport, clock=clock, sleep=sleep)] += 1
    finally:
        ledger.write()
        if started < len(batch):
            tally["released"] += _release(batch[started:])
    return tally


def send_claimed(reminder: Reminder, *, transport, clock, sleep) -> str:
    """Deliver one row this process has claimed; returns the outcome for the tally."""
    tally = send_batch([reminder], transport=transport, clock=clock, sleep=sleep)
    return next(iter(tally))


def _deliver(reminder: Reminder, ledger: _Ledger, *, transport, clock, sleep) -> str:
    pauses = retry_backoff()
    for number in range(1, len(pauses) + 2):
        at = clock()
        try:
            status = channels.deliver(transport, reminder, now=at)
        except channels.TransientDeliveryError as exc:
            ledger.record(
                reminder, number, at, Outcome.TRANSIENT_ERROR, exc.error_class, exc.status_code
            )
            if number <= len(pauses):
                sleep(pauses[number - 1])
                continue
            ledger.finish(reminder, State.FAILED, attempts=number, error=exc.error_class)
            return "failed"
        except Exception as exc:  # permanent, or a bug: not retried, kept for a person
            error = getattr(exc, "error_class", type(exc).__name__)
            # Class only: an exception's message may quote the content.
            log.warning("sender: reminder %s failed permanently: %s", reminder.pk, error)
            ledger.record(reminder, number, at, Outcome.PERMANENT_ERROR, error, _status(exc))
            ledger.finish(reminder, State.FAILED, attempts=number, error=error)
            return "failed"
        ledger.record(reminder, number, at, Outcome.SUCCESS, "", status)
        ledger.finish(reminder, State.SENT, attempts=number, sent_at=at)
        return "sent"
    raise AssertionError("unreachable")  # pragma: no cover


def _status(exc: Exception) -> int | None:
    return getattr(exc, "status_code", None)


def _release(rows: list[Reminder]) -> int:
    """Back to pending: rows never attempted under this claim (safe to send later)."""
    return Reminder.objects.filter(
        pk__in=[r.pk for r in rows], state=State.SENDING, claim_token=rows[0].claim_token
    ).update(state=State.PENDING, claim_token=None, claimed_at=None)


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
