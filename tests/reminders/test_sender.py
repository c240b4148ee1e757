"""The sender: claims, retries, stuck claims, content and webhook signatures."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from collections import Counter

import pytest
from django.core import mail
from django.test import override_settings

from campaigns.models import Reminder, ReminderAttempt
from campaigns.reminders import channels
from campaigns.reminders.channels import (
    PermanentDeliveryError,
    TransientDeliveryError,
    signature,
    verify_signature,
)
from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.sender import claim_next, sweep_reminders
from campaigns.reminders.services import reminder_resend
from cases.models import Case
from casetracker.fields import Tier
from tests.factories import (
    ChargeFactory,
    HearingFactory,
    ReviewItemFactory,
    TimelineEventFactory,
    UserFactory,
)
from tests.reminders.conftest import at
from tests.reminders.fakes import RecordingTransport

pytestmark = pytest.mark.django_db

NOW = at(2022, 4, 14)


@pytest.fixture
def due(khurram, email_sub):
    """Khurram's 150-day milestone, 7 days before: due at NOW."""
    plan_reminders(now=NOW)
    return Reminder.objects.get(subscription=email_sub, number=150, lead_days=7)


def test_it_skips_reminders_not_yet_due(due, transport):
    result = sweep_reminders(now=NOW - dt.timedelta(seconds=1), transport=transport)
    assert result["sent"] == 0 and transport.emails == []


def test_a_claimed_row_cannot_be_claimed_again(due):
    first = claim_next(now=NOW)
    assert first.pk == due.pk and first.state == "sending" and first.claim_token
    assert claim_next(now=NOW) is None
    assert Reminder.objects.get(pk=due.pk).state == "sending"


def test_a_transient_failure_is_retried_with_backoff_inside_the_claim(due, no_sleep):
    sleep, pauses = no_sleep
    transport = RecordingTransport(errors=[TransientDeliveryError("down", cause=ConnectionError())])
    result = sweep_reminders(now=NOW, transport=transport, sleep=sleep)
    assert result["sent"] == 1 and len(transport.emails) == 1
    assert pauses == [1.0]
    attempts = list(due.attempts.values_list("number", "outcome", "error_class"))
    assert attempts == [(1, "transient_error", "ConnectionError"), (2, "success", "")]
    due.refresh_from_db()
    assert (due.state, due.attempt_count) == ("sent", 2)


def test_retries_are_bounded_then_the_row_fails_and_waits_for_a_person(due, no_sleep):
    sleep, pauses = no_sleep
    errors = [TransientDeliveryError("down", cause=TimeoutError()) for _ in range(5)]
    transport = RecordingTransport(errors=errors)
    result = sweep_reminders(now=NOW, transport=transport, sleep=sleep)
    assert result["failed"] == 1 and pauses == [1.0, 4.0]
    due.refresh_from_db()
    assert (due.state, due.attempt_count, due.last_error_class) == ("failed", 3, "TimeoutError")
    # A later sweep does not touch it: only a person resends.
    assert sweep_reminders(now=NOW, transport=RecordingTransport())["sent"] == 0


def test_a_permanent_failure_is_not_retried(due, no_sleep):
    sleep, pauses = no_sleep
    transport = RecordingTransport(errors=[PermanentDeliveryError("410", status_code=410)])
    sweep_reminders(now=NOW, transport=transport, sleep=sleep)
    due.refresh_from_db()
    assert due.state == "failed" and pauses == []
    assert due.attempts.get().status_code == 410


def test_an_unexpected_error_fails_the_row_and_records_only_its_class(due):
    transport = RecordingTransport(errors=[ValueError("Khurram Parvez secret detail")])
    sweep_reminders(now=NOW, transport=transport)
    attempt = ReminderAttempt.objects.get(reminder=due)
    assert (attempt.outcome, attempt.error_class) == ("permanent_error", "ValueError")
    assert Reminder.objects.get(pk=due.pk).last_error_class == "ValueError"


@override_settings(REMINDER_CLAIM_TIMEOUT_SECONDS=600)
def test_a_claim_stuck_past_the_timeout_needs_review_and_is_never_resent(due, transport):
    claim_next(now=NOW)  # a worker claims it, then dies before finishing
    assert sweep_reminders(now=NOW + dt.timedelta(seconds=599), transport=transport)["sent"] == 0
    result = sweep_reminders(now=NOW + dt.timedelta(seconds=601), transport=transport)
    assert result["needs_review"] == 1
    due.refresh_from_db()
    assert due.state == "needs_review"
    assert due.attempts.get().outcome == "stuck"
    assert sweep_reminders(now=NOW + dt.timedelta(days=1), transport=transport)["sent"] == 0
    assert transport.emails == []


def test_a_finish_after_losing_the_claim_leaves_the_row_in_review(due, transport):
    from campaigns.reminders.sender import send_claimed

    claimed = claim_next(now=NOW)
    Reminder.objects.filter(pk=due.pk).update(state="needs_review")  # the timeout fired
    send_claimed(claimed, transport=transport, clock=lambda: NOW, sleep=lambda s: None)
    due.refresh_from_db()
    assert due.state == "needs_review"
    assert due.attempts.get().outcome == "success"  # the reviewer can see it did go out


def test_a_person_can_resend_a_row_in_review_once(due, transport):
    Reminder.objects.filter(pk=due.pk).update(state="needs_review")
    user = UserFactory()
    assert reminder_resend(reminder=due, user=user, now=NOW) is True
    assert reminder_resend(reminder=due, user=user, now=NOW) is False  # already pending
    assert sweep_reminders(now=NOW, transport=transport)["sent"] == 1
    assert due.attempts.filter(outcome="resend_requested", requested_by=user).count() == 1


def test_a_sent_row_cannot_be_resent(due, transport):
    sweep_reminders(now=NOW, transport=transport)
    assert reminder_resend(reminder=due, user=UserFactory(), now=NOW) is False


def test_a_reminder_whose_date_passed_unsent_expires_instead_of_going_out(due, transport):
    result = sweep_reminders(now=at(2022, 4, 22), transport=transport)
    assert result["expired"] >= 1 and transport.emails == []
    assert Reminder.objects.get(pk=due.pk).state == "expired"


def test_consent_withdrawn_after_planning_cancels_at_send_time(due, khurram, transport):
    Case.objects.filter(pk=khurram.pk).update(consent=Case.Consent.NONE)
    result = sweep_reminders(now=NOW, transport=transport)
    assert result["cancelled"] == 1 and transport.emails == []


# -- content -----------------------------------------------------------------------------------
def test_the_email_has_reference_date_kind_draft_and_link_and_nothing_internal(khurram, email_sub):
    Case.objects.filter(pk=khurram.pk).update(
        summary="INTERNAL-SUMMARY", legal_assessment="INTERNAL-ASSESSMENT"
    )
    HearingFactory(
        case=khurram, date=dt.date(2022, 4, 21), outcome="INTERNAL-OUTCOME", tier="internal"
    )
    TimelineEventFactory(case=khurram, summary="RESTRICTED-EVENT", tier=Tier.RESTRICTED)
    ChargeFactory(case=khurram, description="INTERNAL-CHARGE", tier=Tier.INTERNAL)
    ReviewItemFactory(case=khurram, message="INTERNAL-REVIEW")
    plan_reminders(now=NOW)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        sweep_reminders(now=NOW, transport=channels.DefaultTransport())
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):
        assert "INTERNAL" not in part and "RESTRICTED" not in part
    assert khurram.reference in message.body and khurram.reference in html
    assert "21 April 2022" in message.body
    assert "Detention milestone" in message.body
    assert "marks 150 days arbitrarily detained" in message.body
    assert f"/cases/{khurram.reference}/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_a_refused_recipient_is_a_permanent_failure():
    class Refusing:
        def send(self, fail_silently):
            raise smtplib.SMTPRecipientsRefused({"x@example.invalid": (550, b"no")})

    with pytest.raises(PermanentDeliveryError):
        channels.DefaultTransport().send_email(Refusing())


# -- webhooks ---------------------------------------------------------------------------------
def test_the_webhook_is_signed_and_carries_no_secret(khurram, webhook_sub, partner_org):
    from tests.factories import CaseShareFactory

    CaseShareFactory(case=khurram, organisation=partner_org)
    plan_reminders(now=NOW)
    transport = RecordingTransport()
    sweep_reminders(now=NOW, transport=transport)
    (url, body, headers) = transport.webhooks[0]
    assert url == "https://partner.example.invalid/hook"
    assert verify_signature("s3cret-for-tests", headers, body, NOW)
    payload = json.loads(body)
    assert payload["case_reference"] == khurram.reference
    assert payload["delivery_id"] == headers["X-Casetracker-Delivery"]
    assert "s3cret" not in body.decode() and all("s3cret" not in v for v in headers.values())
    assert set(payload) == {
        "delivery_id",
        "case_reference",
        "kind",
        "title",
        "date",
        "days_before",
        "draft_text",
        "link",
    }


def _signed(body=b'{"a": 1}', when=NOW, secret="k", delivery="d-1"):  # noqa: S107
    ts = int(when.timestamp())
    return {
        "X-Casetracker-Timestamp": str(ts),
        "X-Casetracker-Delivery": delivery,
        "X-Casetracker-Signature": signature(secret, ts, delivery, body),
    }


@pytest.mark.parametrize(
    ("headers", "body", "now", "ok"),
    [
        (_signed(), b'{"a": 1}', NOW, True),
        (_signed(), b'{"a": 1}', NOW + dt.timedelta(seconds=300), True),
        (_signed(), b'{"a": 1}', NOW + dt.timedelta(seconds=301), False),  # replay, too late
        (_signed(), b'{"a": 1}', NOW - dt.timedelta(seconds=301), False),  # from the future
        (_signed(), b'{"a": 2}', NOW, False),  # body changed
        (_signed(secret="other"), b'{"a": 1}', NOW, False),  # wrong key
        ({**_signed(), "X-Casetracker-Delivery": "d-2"}, b'{"a": 1}', NOW, False),  # id swapped
        ({}, b'{"a": 1}', NOW, False),
        ({**_signed(), "X-Casetracker-Timestamp": "soon"}, b'{"a": 1}', NOW, False),
    ],
)
def test_verify_signature_rejects_tampering_and_replays_outside_the_window(headers, body, now, ok):
    assert verify_signature("k", headers, body, now) is ok


def test_header_names_are_case_insensitive_for_receivers():
    headers = {k.lower(): v for k, v in _signed().items()}
    assert verify_signature("k", headers, b'{"a": 1}', NOW.timestamp())


def test_http_5xx_is_transient_and_4xx_permanent(monkeypatch):
    import urllib.error

    def fail(code):
        def urlopen(request, timeout):
            raise urllib.error.HTTPError(request.full_url, code, "x", {}, None)

        return urlopen

    transport = channels.DefaultTransport()
    monkeypatch.setattr(channels.urllib.request, "urlopen", fail(503))
    with pytest.raises(TransientDeliveryError):
        transport.post_webhook("https://x.invalid/", b"{}", {})
    monkeypatch.setattr(channels.urllib.request, "urlopen", fail(404))
    with pytest.raises(PermanentDeliveryError):
        transport.post_webhook("https://x.invalid/", b"{}", {})


def _due_rows(case, sub, n: int) -> list[Reminder]:
    return Reminder.objects.bulk_create(
        Reminder(
            subscription=sub,
            case=case,
            kind="milestone",
            occurrence_date=NOW.date() + dt.timedelta(days=1 + i),
            channel="email",
            due_at=NOW - dt.timedelta(minutes=1),
            number=100,
            title="Day 100 of detention",
            draft_text="Fake text.",
        )
        for i in range(n)
    )


@override_settings(REMINDER_CLAIM_BATCH_SIZE=10)
def test_a_sweep_claims_and_finishes_rows_in_batches_not_one_by_one(khurram, email_sub, transport):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _due_rows(khurram, email_sub, 30)
    with CaptureQueriesContext(connection) as queries:
        result = sweep_reminders(now=NOW, transport=transport)
    assert result["sent"] == 30 and len(transport.emails) == 30
    # Per batch: claim (select + update, in a savepoint on PostgreSQL), load, visibility,
    # attempts insert and finish update in one savepoint; per sweep: stuck, expire, the
    # last empty claim, heartbeat. One by one it was 6 statements per row (180 here).
    assert len(queries) <= 3 * 10 + 9
    tokens = set(Reminder.objects.values_list("claim_token", flat=True))
    assert len(tokens) == 3  # one claim token per batch
    assert set(ReminderAttempt.objects.values_list("outcome", flat=True)) == {"success"}
    assert all(r.sent_at == NOW for r in Reminder.objects.all())


@override_settings(REMINDER_CLAIM_BATCH_SIZE=10)
def test_a_killed_sweeper_strands_at_most_one_batch_for_review(khurram, email_sub, transport):
    from campaigns.reminders.sender import claim_batch, claim_timeout

    _due_rows(khurram, email_sub, 25)
    assert len(claim_batch(now=NOW, size=10)) == 10  # then the process dies
    later = NOW + claim_timeout() + dt.timedelta(seconds=1)
    result = sweep_reminders(now=later, transport=RecordingTransport())
    assert result["needs_review"] == 10
    assert Counter(Reminder.objects.values_list("state", flat=True)) == {
        "needs_review": 10,
        "sent": 15,
    }


def test_rows_not_attempted_when_time_is_up_go_back_to_pending(khurram, email_sub, transport):
    import time

    from campaigns.reminders.sender import claim_batch, send_batch

    _due_rows(khurram, email_sub, 5)
    batch = claim_batch(now=NOW, size=5)
    tally = send_batch(
        batch, transport=transport, clock=lambda: NOW, sleep=None, stop_at=time.monotonic() - 1
    )
    assert tally["released"] == 5 and transport.emails == []
    assert set(Reminder.objects.values_list("state", "claim_token")) == {("pending", None)}
    assert not ReminderAttempt.objects.exists()
    assert sweep_reminders(now=NOW, transport=transport)["sent"] == 5
