"""How a reminder leaves: e-mail (Django's backend) and signed partner webhooks.

What goes out is built by ``build_content``: the case reference, the date, what is coming,
the drafted text and a link. Nothing else of the case is read here, so no internal or
restricted field can end up in a message.

Transports are pluggable (``settings.REMINDER_TRANSPORT``): tests and benchmarks swap in a
fake that counts sends. A transport raises ``TransientDeliveryError`` for failures worth
retrying and ``PermanentDeliveryError`` for the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from campaigns.reminders.drafts import format_date


class DeliveryError(Exception):
    status_code: int | None = None

    def __init__(self, message: str = "", *, status_code: int | None = None, cause=None):
        super().__init__(message)
        self.status_code = status_code
        # The class of the underlying error is what the attempt log records.
        self.error_class = type(cause).__name__ if cause is not None else type(self).__name__


class TransientDeliveryError(DeliveryError):
    """Worth retrying: connection refused, timeout, HTTP 429 or 5xx."""


class PermanentDeliveryError(DeliveryError):
    """Not worth retrying: HTTP 4xx, recipient refused."""


@dataclass(frozen=True)
class Content:
    delivery_id: str
    case_reference: str
    kind: str
    kind_label: str
    title: str
    occurrence_date: dt.date
    date_text: str
    lead_days: int
    draft_text: str
    link: str


def case_link(reference: str) -> str:
    template = getattr(settings, "REMINDER_CASE_URL", "{site}/cases/{reference}/")
    return template.format(site=settings.SITE_URL, reference=reference)


def build_content(reminder) -> Content:
    return Content(
        delivery_id=str(reminder.delivery_id),
        case_reference=reminder.case.reference,
        kind=reminder.kind,
        kind_label=str(reminder.get_kind_display()),
        title=reminder.title,
        occurrence_date=reminder.occurrence_date,
        date_text=format_date(reminder.occurrence_date, reminder.language),
        lead_days=reminder.lead_days,
        draft_text=reminder.draft_text,
        link=case_link(reminder.case.reference),
    )


# -- e-mail ------------------------------------------------------------------------------
def build_email(content: Content, to: str) -> EmailMultiAlternatives:
    context = {"c": content}
    subject = f"[casetracker] {content.title} — {content.case_reference}"
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ")[:200],
        body=render_to_string("campaigns/reminders/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"X-Casetracker-Delivery": content.delivery_id},
    )
    message.attach_alternative(
        render_to_string("campaigns/reminders/email.html", context), "text/html"
    )
    return message


# -- webhooks ----------------------------------------------------------------------------
def webhook_body(content: Content) -> bytes:
    payload = {
        "delivery_id": content.delivery_id,
        "case_reference": content.case_reference,
        "kind": content.kind,
        "title": content.title,
        "date": content.occurrence_date.isoformat(),
        "days_before": content.lead_days,
        "draft_text": content.draft_text,
        "link": content.link,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, timestamp: int | str, delivery_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{delivery_id}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, delivery_id: str, body: bytes, now: dt.datetime) -> dict:
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "User-Agent": "casetracker-reminders/1",
        "X-Casetracker-Timestamp": str(timestamp),
        "X-Casetracker-Delivery": delivery_id,
        "X-Casetracker-Signature": signature(secret, timestamp, delivery_id, body),
    }


def verify_signature(
    secret: str, headers, body: bytes, now: dt.datetime | float, window: int = 300
) -> bool:
    """For receivers (and tests): a valid signature made within ``window`` seconds of now.

    Replays outside the window fail; inside it, de-duplicate on the delivery id.
    """
    lower = {str(k).lower(): str(v) for k, v in dict(headers).items()}
    try:
        timestamp = int(lower["x-casetracker-timestamp"])
        delivery_id = lower["x-casetracker-delivery"]
        given = lower["x-casetracker-signature"]
    except (KeyError, ValueError):
        return False
    now_ts = now.timestamp() if isinstance(now, dt.datetime) else float(now)
    if abs(now_ts - timestamp) > window:
        return False
    return hmac.compare_digest(given, signature(secret, timestamp, delivery_id, body))


# -- transports --------------------------------------------------------------------------
class DefaultTransport:
    """Django's e-mail backend and an HTTP POST with a short timeout."""

    timeout = 10

    def send_email(self, message: EmailMultiAlternatives) -> None:
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError("recipient refused", cause=exc) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError("mail server unavailable", cause=exc) from None

    def post_webhook(self, url: str, body: bytes, headers: dict) -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            error = TransientDeliveryError if exc.code in (408, 429) or exc.code >= 500 else None
            raise (error or PermanentDeliveryError)(
                f"HTTP {exc.code}", status_code=exc.code, cause=exc
            ) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            raise TransientDeliveryError("webhook unreachable", cause=exc) from None


def get_transport():
    path = getattr(settings, "REMINDER_TRANSPORT", "campaigns.reminders.channels.DefaultTransport")
    return import_string(path)()


def deliver(transport, reminder, *, now: dt.datetime) -> int | None:
    """Send one reminder through its subscription's channel. Returns an HTTP status."""
    subscription = reminder.subscription
    content = build_content(reminder)
    if reminder.channel == subscription.Channel.EMAIL:
        to = subscription.recipient_email
        if not to:
            raise PermanentDeliveryError("no e-mail address")
        transport.send_email(build_email(content, to))
        return None
    body = webhook_body(content)
    headers = signed_headers(subscription.webhook_secret, content.delivery_id, body, now)
    return transport.post_webhook(subscription.webhook_url, body, headers)
