"""Who the benchmark acts as, and the rows its jobs need. Created idempotently."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from campaigns.models import Reminder, Subscription
from cases.models import Case
from casetracker.fields import Tier
from casetracker.visibility import Viewer, visible
from people.models import Membership, Organisation, PartnerToken
from people.tokens import partner_token_create

PARTNER_ORG = "Synthetic Partner Org 1"
MEMBER_ORG = "Synthetic Member Org 1"
SWEEP_LABEL = "bench-sweep"
PLANNER_LABEL = "bench-planner"


def _member(org: Organisation, username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.invalid", "is_staff": True}
    )
    Membership.objects.get_or_create(user=user, defaults={"organisation": org, "role": role})
    return user


def otp_client(user) -> Client:
    """A session that passed password and TOTP, as the admin requires (tests/conftest.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def cursor_after(pk: int) -> str:
    """A DRF cursor positioned after ``pk`` (what a 'next' link deep in the list holds)."""
    return base64.b64encode(urlencode({"p": str(pk)}).encode()).decode()


@dataclass
class Actors:
    partner: Client
    partner_viewer: Viewer
    caseworker: Client
    token: PartnerToken

    def close(self) -> None:
        self.token.delete()


def make_actors() -> Actors:
    partner_org = Organisation.objects.get(name=PARTNER_ORG)
    member_org = Organisation.objects.get(name=MEMBER_ORG)
    token, raw = partner_token_create(organisation=partner_org, name="bench")
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    caseworker = _member(member_org, "bench-caseworker", Membership.Role.CASEWORKER)
    return Actors(
        partner=partner,
        partner_viewer=Viewer.for_user(token.user),
        caseworker=otp_client(caseworker),
        token=token,
    )


def deep_position(viewer: Viewer, fraction: float = 0.9) -> int:
    """The pk after which the last (1 - fraction) of the viewer's cases start."""
    ids = visible(viewer, Case).order_by("pk").values_list("pk", flat=True)
    count = ids.count()
    return ids[max(0, int(count * fraction) - 1)] if count else 0


# -- reminders -----------------------------------------------------------------------------
def planner_subscriptions() -> list[Subscription]:
    """One campaigner per member organisation and a partner webhook: all cases covered."""
    subs = []
    for org in Organisation.objects.filter(name__startswith="Synthetic Member Org"):
        user = _member(org, f"bench-campaigner-{org.pk}", Membership.Role.CAMPAIGNER)
        sub, _ = Subscription.objects.get_or_create(
            label=f"{PLANNER_LABEL}-{org.pk}", defaults={"channel": "email", "user": user}
        )
        subs.append(sub)
    partner = Organisation.objects.get(name=PARTNER_ORG)
    sub, _ = Subscription.objects.get_or_create(
        label=f"{PLANNER_LABEL}-partner",
        defaults={
            "channel": "webhook",
            "partner": partner,
            "webhook_url": "https://partner.example.invalid/hook",
            "webhook_secret": "bench-secret-not-used-for-anything",
        },
    )
    subs.append(sub)
    return subs


def sweep_subscription() -> Subscription:
    """Inactive except while the sweep runs, so that the planner leaves it alone."""
    org = Organisation.objects.get(name=MEMBER_ORG)
    user = _member(org, "bench-sweeper", Membership.Role.CAMPAIGNER)
    sub, _ = Subscription.objects.get_or_create(
        label=SWEEP_LABEL, defaults={"channel": "email", "user": user, "active": False}
    )
    return sub


def reset_due_reminders(sub: Subscription, count: int, *, now: dt.datetime) -> int:
    """``count`` pending reminders due an hour ago, on cases the recipient may see."""
    Reminder.objects.filter(subscription=sub).delete()
    org_id = sub.user.membership.organisation_id
    cases = (
        Case.objects.filter(owner_id=org_id)
        .filter(~Q(tier=Tier.RESTRICTED))
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    due = now - dt.timedelta(hours=1)
    day = timezone.localdate(now) + dt.timedelta(days=7)
    rows = [
        Reminder(
            subscription=sub,
            case_id=pk,
            kind=Reminder.Kind.HEARING,
            occurrence_date=day,
            lead_days=7,
            channel="email",
            due_at=due,
            title=f"Hearing of case {pk} in 7 days",
            draft_text="Synthetic drafted alert.",
        )
        for pk in cases
    ]
    Reminder.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


class CountingTransport:
    """Fake transport: counts sends instead of talking to a mail server or a partner."""

    def __init__(self):
        self.sent = 0

    def send_email(self, message) -> None:
        self.sent += 1

    def post_webhook(self, url, body, headers) -> int:
        self.sent += 1
        return 200
