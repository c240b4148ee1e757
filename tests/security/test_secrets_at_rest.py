"""Secrets at rest: calendar feed tokens (hash only), webhook secrets (encrypted), partner
tokens (hash only). A stolen database must not hand out a working feed URL, webhook
signing key or API token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from campaigns.models import Subscription, hash_calendar_token
from campaigns.reminders.channels import signed_headers, verify_signature
from campaigns.reminders.services import calendar_token_rotate, subscription_create
from people.models import Organisation
from people.tokens import partner_token_create
from tests.factories import OrganisationFactory, UserFactory
from tests.security.canary import count_in_database

pytestmark = pytest.mark.django_db


def feed(raw: str) -> int:
    return Client().get(reverse("reminders:calendar-feed", args=[raw])).status_code


def test_only_the_hash_and_a_prefix_of_a_feed_token_are_stored():
    sub = subscription_create(channel=Subscription.Channel.EMAIL, email="x@example.invalid")
    raw = sub.calendar_token
    assert len(raw) >= 40
    assert count_in_database(raw) == 0
    stored = Subscription.objects.get(pk=sub.pk)
    assert stored.calendar_token_hash == hash_calendar_token(raw)
    assert stored.calendar_token_prefix == raw[:6]
    assert feed(raw) == 200


def test_a_wrong_rotated_or_inactive_token_gets_404():
    sub = subscription_create(channel=Subscription.Channel.EMAIL, email="x@example.invalid")
    old = sub.calendar_token
    assert feed(old[:-1] + ("A" if old[-1] != "A" else "B")) == 404
    assert feed(Subscription.objects.get(pk=sub.pk).calendar_token_hash) == 404  # not the hash
    new = calendar_token_rotate(subscription=sub).calendar_token
    assert feed(old) == 404 and feed(new) == 200
    Subscription.objects.filter(pk=sub.pk).update(active=False)
    assert feed(new) == 404


def test_a_webhook_secret_is_encrypted_at_rest_and_still_signs():
    partner = OrganisationFactory()
    sub = subscription_create(
        channel=Subscription.Channel.WEBHOOK,
        partner=partner,
        webhook_url="https://partner.example.invalid/hook",
        webhook_secret="fake-webhook-secret-0123456789",
    )
    assert count_in_database("fake-webhook-secret-0123456789") == 0
    secret = Subscription.objects.get(pk=sub.pk).webhook_secret
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    headers = signed_headers(secret, "d-1", b"{}", now)
    assert verify_signature("fake-webhook-secret-0123456789", headers, b"{}", now)
    assert "fake-webhook-secret" not in str(headers)


def test_a_webhook_without_a_secret_is_still_refused_by_the_constraint():
    from django.core.exceptions import ValidationError

    sub = Subscription(
        channel=Subscription.Channel.WEBHOOK,
        partner=OrganisationFactory(),
        webhook_url="https://partner.example.invalid/hook",
    )
    with pytest.raises(ValidationError, match="secret"):
        sub.full_clean()


def test_partner_tokens_are_stored_as_hashes_only():
    _token, raw = partner_token_create(organisation=OrganisationFactory())
    assert count_in_database(raw) == 0
    assert count_in_database(raw.rsplit("_", 1)[1]) == 0


def test_the_admin_shows_a_new_feed_url_once_and_then_only_its_prefix(otp_login):
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    otp_login(client, admin_user)
    response = client.post(
        reverse("admin:campaigns_subscription_add"),
        {
            "label": "Fake feed",
            "active": "on",
            "channel": "email",
            "email": "feed@example.invalid",
            "kinds": "[]",
            "hearing_lead_days": "[7, 1]",
            "milestone_lead_days": "[7, 0]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    url = next(m for m in shown if "/calendar/" in m).split("<code>")[1].split("</code>")[0]
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    sub = Subscription.objects.get(label="Fake feed")
    assert sub.calendar_token_hash == hash_calendar_token(raw)
    assert feed(raw) == 200
    changelist = reverse("admin:campaigns_subscription_changelist")
    assert raw in client.get(changelist).content.decode()  # the message, this once ...
    listing = client.get(changelist).content.decode()
    assert raw not in listing  # ... and never again and f"/calendar/{raw[:6]}" in listing


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_existing_tokens_and_encrypts_existing_secrets():
    before, after = (
        ("campaigns", "0002_reminders_subscriptions_and_attempts"),
        (
            "campaigns",
            "0003_hash_calendar_tokens_encrypt_webhook_secrets",
        ),
    )
    partner = Organisation.objects.create(name="Fake Migration Partner")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("campaigns", "Subscription")
    old.objects.create(
        channel="webhook",
        partner_id=partner.pk,
        webhook_url="https://partner.example.invalid/hook",
        webhook_secret="fake-legacy-secret-42",
        calendar_token="fake-legacy-calendar-token-0123456789",
    )
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    assert count_in_database("fake-legacy-calendar-token-0123456789") == 0
    assert count_in_database("fake-legacy-secret-42") == 0
    sub = Subscription.objects.get()
    assert sub.webhook_secret == "fake-legacy-secret-42"
    assert feed("fake-legacy-calendar-token-0123456789") == 200
