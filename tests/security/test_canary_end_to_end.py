"""The canary test, end to end (issue 6 item 4), over the real admin, API, reminders and feed.

One unique canary sits in every restricted field (Person.relatives/private_contact,
Source.identity/contact, Detention.exact_address, CaseNote.text) and in the plain text of
restricted-tier records (an event's summary, a source's title, a hearing's court, a
detention's place). Then everybody uses the app — staff of the owner with and without
restricted access, staff of a partner organisation, a platform superuser, a partner token
— and we capture every log record at DEBUG (SQL included), every e-mail, every webhook
body and header, every Celery message, every API and unauthorised admin response and the
calendar feed. The canary must appear 0 times in all of it and in a raw dump of every
table. The named staff member's own admin pages are the control: there it does appear.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from celery.signals import before_task_publish
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Reminder, Subscription
from campaigns.reminders.channels import DefaultTransport
from campaigns.reminders.services import subscription_create
from campaigns.tasks import plan_reminders_task, sweep_reminders_task
from casetracker.fields import Tier
from people.models import AuditEntry, Membership
from people.tokens import partner_token_create
from tests.admin.htmlform import change_form_data
from tests.factories import CampaignFactory, CaseShareFactory, HearingFactory, UserFactory
from tests.security.canary import (
    count_in_database,
    count_in_logs,
    count_in_mail,
    plant_canaries,
    plant_restricted_tier_records,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls_e2e")]

API = "/api/v1/"
NESTED = {
    "events": 0,
    "sources": 1,
    "hearings": 2,
    "detentions": 3,
    "charges": 4,
}  # -> tier_records index


class RecordingWebhookTransport(DefaultTransport):
    """Real e-mail (Django's test outbox); webhooks recorded instead of POSTed."""

    posts: list = []

    def post_webhook(self, url, body, headers) -> int:
        type(self).posts.append((url, body, dict(headers)))
        return 200


# -- fixtures ---------------------------------------------------------------------------
@pytest.fixture
def world(org_a, org_b, make_member):
    today = timezone.localdate()
    world = plant_canaries(owner=org_a, case_tier=Tier.INTERNAL)
    plant_restricted_tier_records(world, hearing_on=today + dt.timedelta(days=1))
    # A hearing everybody with a share may see, due for reminders today.
    HearingFactory(case=world.case, tier=Tier.INTERNAL, court="Fake Court", date=today)
    HearingFactory(
        case=world.case, tier=Tier.INTERNAL, court="Fake Court", date=today + dt.timedelta(1)
    )
    CaseShareFactory(case=world.case, organisation=org_b, tier=Tier.INTERNAL, can_edit=True)
    CampaignFactory(owner=org_a, tier=Tier.INTERNAL).cases.add(world.case)
    world.users = {
        "named_a": make_member(org_a, restricted=True),
        "caseworker_a": make_member(org_a),
        "caseworker_b": make_member(org_b, restricted=True),  # named, but at B
        "campaigner_a": make_member(org_a, Membership.Role.CAMPAIGNER),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    return world


@pytest.fixture
def task_messages(monkeypatch):
    """Every Celery message published: body and headers as the broker would get them."""
    from casetracker.celery_app import app

    eager, pools = app.conf.task_always_eager, (app._pool, app.amqp._producer_pool)
    # Publish for real, to an in-memory broker (not CI's Redis: nothing is left queued).
    app.conf.task_always_eager = False
    write = type(app).connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda *a, **k: write(app, "memory://"))
    app._pool = app.amqp._producer_pool = None
    seen: list[str] = []

    def on_publish(sender=None, body=None, headers=None, **kwargs):
        seen.append(json.dumps({"task": sender, "body": body, "headers": headers}, default=str))

    before_task_publish.connect(on_publish, weak=False, dispatch_uid="canary")
    yield seen
    before_task_publish.disconnect(dispatch_uid="canary")
    app.conf.task_always_eager = eager
    app._pool, app.amqp._producer_pool = pools


@pytest.fixture
def captured_logs(caplog):
    """Every logger at DEBUG, SQL statements with their parameters included."""
    caplog.set_level(logging.DEBUG)
    for name in ("django.db.backends", "casetracker", "django", "celery"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    caplog.clear()
    yield caplog
    connection.force_debug_cursor = False


# -- the people -------------------------------------------------------------------------
def admin_client(otp_login, user) -> Client:
    client = Client(raise_request_exception=True)
    otp_login(client, user)
    return client


def api_session(otp_login, user) -> APIClient:
    client = APIClient()
    otp_login(client, user)
    return client


def api_token(org) -> APIClient:
    _token, raw = partner_token_create(organisation=org)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


# -- what they open ---------------------------------------------------------------------
def admin_urls(world) -> list[str]:
    objects = {type(world.case): world.case, type(world.person): world.person}
    urls = ["/admin/", reverse("admin:campaigns_reminder_upcoming")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model in objects:
            pk = objects[model].pk
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[pk]))
    for app_label, model_name, field in (
        ("cases", "case", "person"),
        ("campaigns", "campaign", "cases"),
        ("campaigns", "campaign", "organisers"),
    ):
        urls.append(
            f"/admin/autocomplete/?app_label={app_label}&model_name={model_name}"
            f"&field_name={field}&term="
        )
    return urls


def api_urls(world) -> list[str]:
    case = world.case.pk
    urls = [
        f"{API}cases/",
        f"{API}cases/{case}/",
        f"{API}cases/export.csv",
        f"{API}changes/",
        f"{API}hearings/",
        f"{API}hearings/upcoming/",
        f"{API}people/",
        f"{API}people/{world.person.pk}/",
        f"{API}organisations/",
        f"{API}organisations/{world.case.owner_id}/",
        f"{API}campaigns/",
        f"{API}campaigns/{world.case.campaigns.get().pk}/",
        f"{API}schema/",
        f"{API}docs/",
        f"{API}cases/-{case}/",  # no such route: the JSON 404
    ]
    for segment, index in NESTED.items():
        urls.append(f"{API}cases/{case}/{segment}/")
        urls.append(f"{API}cases/{case}/{segment}/{world.tier_records[index].pk}/")
    urls.append(f"{API}cases/{case}/sources/{world.source.pk}/")
    urls.append(f"{API}cases/{case}/detentions/{world.detention.pk}/")
    urls.append(f"{API}hearings/{world.tier_records[2].pk}/")
    return urls


def every_api_route_is_covered(urls: list[str]) -> set[str]:
    wanted = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "api":
            wanted |= {name for name in pattern.reverse_dict if isinstance(name, str)}
    seen = {resolve(url.split("?")[0]).url_name for url in urls}
    return wanted - seen


# -- the test ---------------------------------------------------------------------------
def test_no_restricted_canary_leaves_through_any_channel(
    world, otp_login, settings, captured_logs, task_messages
):
    token = world.token
    settings.REMINDER_TRANSPORT = f"{__name__}.RecordingWebhookTransport"
    RecordingWebhookTransport.posts = []
    mail.outbox = []
    users = world.users

    # Subscriptions: the named staff member's own e-mail (she may read restricted content,
    # her e-mail may not carry it), partner B's webhook, an address-only e-mail.
    named_sub = subscription_create(channel=Subscription.Channel.EMAIL, user=users["named_a"])
    subscription_create(
        channel=Subscription.Channel.WEBHOOK,
        partner=world.case.shares.get().organisation,
        webhook_url="https://partner.example.invalid/hook",
    )
    subscription_create(channel=Subscription.Channel.EMAIL, email="public@example.invalid")
    feed_token = named_sub.calendar_token

    # 1. The named staff member opens the case (the control: she does see the canary) and
    #    saves the form back with the restricted event's summary edited.
    named = admin_client(otp_login, users["named_a"])
    case_url = reverse("admin:cases_case_change", args=[world.case.pk])
    page = named.get(case_url)
    assert page.status_code == 200
    assert token in page.content.decode()
    data = change_form_data(page, "case")
    summaries = [k for k, v in data.items() if k.endswith("-summary") and token in str(v)]
    assert len(summaries) == 1
    data[summaries[0]] = f"edited event {token}"
    titles = [k for k, v in data.items() if k.endswith("-title") and token in str(v)]
    assert len(titles) == 1  # the restricted source: its str() goes into the history
    data[titles[0]] = f"edited source {token}"
    saved = named.post(case_url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    world.tier_records[0].refresh_from_db()
    assert world.tier_records[0].summary == f"edited event {token}"
    assert LogEntry.objects.filter(object_id=str(world.case.pk)).exists()

    # 2. Everybody else in the admin: every changelist, the case and person pages, their
    #    history, autocomplete, the "Upcoming" page.
    unauthorised = []
    for who in ("caseworker_a", "caseworker_b", "campaigner_a", "superuser"):
        client = admin_client(otp_login, users[who])
        for url in admin_urls(world):
            response = client.get(url)
            assert response.status_code in (200, 302, 403), (who, url, response.status_code)
            unauthorised.append((who, url, response.content.decode()))
    # The named staff member's upcoming page builds publishable drafts: no restricted court.
    upcoming = named.get(reverse("admin:campaigns_reminder_upcoming"))
    unauthorised.append(("named_a", "upcoming", upcoming.content.decode()))

    # 3. The API, as a partner token of the organisation the case is shared with and as
    #    staff sessions (the named one included: the API never returns restricted content).
    api_bodies = []
    api_clients = {
        "partner_b": api_token(world.case.shares.get().organisation),
        "partner_a": api_token(world.case.owner),
        "named_a": api_session(otp_login, users["named_a"]),
        "caseworker_a": api_session(otp_login, users["caseworker_a"]),
        "caseworker_b": api_session(otp_login, users["caseworker_b"]),
    }
    urls = api_urls(world)
    assert every_api_route_is_covered(urls) == set()
    opened = 0
    for who, client in api_clients.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), (who, url, response.status_code)
            opened += response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            api_bodies.append((who, url, body.decode()))
    assert opened > len(api_clients) * 10  # the zero below is not from empty answers

    # 4. Reminders through Celery: the ticks are published (captured), then run.
    plan_reminders_task.delay()
    sweep_reminders_task.delay()
    assert len(task_messages) == 2
    plan_reminders_task()
    sweep_reminders_task()
    assert Reminder.objects.filter(state=Reminder.State.SENT).exists()
    assert any(m.to == [users["named_a"].email] for m in mail.outbox)
    assert RecordingWebhookTransport.posts

    # 5. The calendar feed of the named staff member's subscription.
    feed = Client().get(reverse("reminders:calendar-feed", args=[feed_token]))
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content

    # 6. A crash with DEBUG off while a decrypted value is in a local variable.
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.invalid")]
    crashing = Client(raise_request_exception=False)
    otp_login(crashing, users["named_a"])
    crash = crashing.get(f"/boom/{world.person.pk}/")
    assert crash.status_code == 500
    assert any("RuntimeError" in m.body for m in mail.outbox)

    # 7. Count. Every place must hold the canary 0 times.
    webhook_text = [
        body.decode() + json.dumps(headers) + url
        for url, body, headers in RecordingWebhookTransport.posts
    ]
    leaks = {
        "logs": count_in_logs(token, captured_logs.records),
        "mail": count_in_mail(token, mail.outbox)
        + sum(json.dumps(m.extra_headers).count(token) for m in mail.outbox),
        "webhooks": sum(text.count(token) for text in webhook_text),
        "tasks": sum(text.count(token) for text in task_messages),
        "api": [(w, u) for w, u, body in api_bodies if token in body],
        "admin (unauthorised)": [(w, u) for w, u, body in unauthorised if token in body],
        "calendar": feed.content.decode().count(token),
        "error page": crash.content.decode().count(token),
        "admin history": [
            e.pk for e in LogEntry.objects.all() if token in e.object_repr + e.change_message
        ],
        "audit": [e.pk for e in AuditEntry.objects.all() if token in json.dumps(e.changes)],
        "database": count_in_database(token),
    }
    assert leaks == {
        "logs": 0,
        "mail": 0,
        "webhooks": 0,
        "tasks": 0,
        "api": [],
        "admin (unauthorised)": [],
        "calendar": 0,
        "error page": 0,
        "admin history": [],
        "audit": [],
        "database": 0,
    }
