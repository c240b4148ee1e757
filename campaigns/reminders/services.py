"""Writes around subscriptions and reminders that people trigger (admin, load_seeds)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from campaigns.models import (
    Reminder,
    ReminderAttempt,
    Subscription,
    hash_calendar_token,
    new_calendar_token,
)
from campaigns.reminders import rules

DEMO_CAMPAIGNER_EMAIL = "campaigner@demo.invalid"
DEMO_CAMPAIGNER_LABEL = "Demo campaigner (every public case)"


@transaction.atomic
def subscription_create(
    *,
    channel: str,
    user=None,
    email: str = "",
    webhook_url: str = "",
    partner=None,
    webhook_secret: str = "",
    case=None,
    country: str = "",
    campaign=None,
    kinds: list[str] | None = None,
    hearing_lead_days: list[int] | None = None,
    milestone_lead_days: list[int] | None = None,
    label: str = "",
) -> Subscription:
    if channel == Subscription.Channel.WEBHOOK and not webhook_secret:
        webhook_secret = secrets.token_hex(32)
    subscription = Subscription(
        channel=channel,
        user=user,
        email=email,
        webhook_url=webhook_url,
        partner=partner,
        webhook_secret=webhook_secret,
        case=case,
        country=country,
        campaign=campaign,
        kinds=kinds or [],
        label=label,
    )
    if hearing_lead_days is not None:
        subscription.hearing_lead_days = hearing_lead_days
    if milestone_lead_days is not None:
        subscription.milestone_lead_days = milestone_lead_days
    subscription.set_calendar_token(new_calendar_token())
    subscription.full_clean()
    subscription.save()
    return subscription  # .calendar_token: the feed's secret, this once


@transaction.atomic
def calendar_token_rotate(*, subscription: Subscription) -> Subscription:
    """A leaked feed URL stops working at once; the subscriber gets the new one.

    Only the token's hash is stored; the returned instance's ``calendar_token`` is the
    only copy of the new secret. Show it once (the admin does, in a message).
    """
    subscription.set_calendar_token(new_calendar_token())
    subscription.save(update_fields=["calendar_token_hash", "calendar_token_prefix"])
    return subscription


def subscription_by_calendar_token(raw: str) -> Subscription | None:
    """The active subscription whose feed token is ``raw``, compared in constant time."""
    digest = hash_calendar_token(raw)
    subscription = (
        Subscription.objects.filter(calendar_token_hash=digest, active=True)
        .select_related("user__membership")
        .first()
    )
    if subscription is None or not hmac.compare_digest(subscription.calendar_token_hash, digest):
        return None
    return subscription


RESENDABLE = (Reminder.State.FAILED, Reminder.State.NEEDS_REVIEW)


@transaction.atomic
def reminder_resend(*, reminder: Reminder, user, now: dt.datetime | None = None) -> bool:
    """A person decides a failed or stuck reminder goes out again: back to pending.

    Never called by the sender itself — a crash must not cause a second automatic send.
    Returns False when the row is not in a resendable state any more.
    """
    now = now or timezone.now()
    changed = Reminder.objects.filter(pk=reminder.pk, state__in=RESENDABLE).update(
        state=Reminder.State.PENDING, claim_token=None, claimed_at=None, due_at=now
    )
    if changed:
        ReminderAttempt.objects.create(
            reminder=reminder,
            at=now,
            channel=reminder.channel,
            number=reminder.attempt_count,
            outcome=ReminderAttempt.Outcome.RESEND_REQUESTED,
            requested_by=user,
        )
    return bool(changed)


@transaction.atomic
def demo_campaigner_ensure(*, email: str = DEMO_CAMPAIGNER_EMAIL) -> Subscription:
    """The demo's campaigner: e-mail reminders of every kind about every public case.

    An address-only subscription reads as an anonymous viewer, so it covers exactly the
    public cases whose consent allows publicity, today's and future ones. Idempotent.
    """
    subscription = Subscription.objects.filter(
        channel=Subscription.Channel.EMAIL, email=email, user=None, case=None
    ).first()
    if subscription is not None:
        return subscription
    return subscription_create(
        channel=Subscription.Channel.EMAIL,
        email=email,
        label=DEMO_CAMPAIGNER_LABEL,
        kinds=sorted(rules.HEARING_KINDS | rules.DETENTION_KINDS),
    )
