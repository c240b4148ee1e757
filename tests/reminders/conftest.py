from __future__ import annotations

import datetime as dt

import pytest

from campaigns.models import Subscription
from campaigns.reminders.services import subscription_create
from cases.models import Case
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory
from tests.reminders.fakes import RecordingTransport

UTC = dt.UTC


def at(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def khurram(db):
    """A case with Khurram Parvez's dates: arrested 22 November 2021, public, consented."""
    person = PersonFactory(primary_name="Khurram Parvez (fake)", roles=["defender"])
    return CaseFactory(
        person=person,
        title="Case of Khurram Parvez (fake)",
        status=Case.Status.DETAINED,
        detained_since=dt.date(2021, 11, 22),
    )


@pytest.fixture
def email_sub(db):
    return subscription_create(channel=Subscription.Channel.EMAIL, email="camp@example.invalid")


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(name="Fake Partner NGO", acronym="FPN")


@pytest.fixture
def webhook_sub(partner_org):
    return subscription_create(
        channel=Subscription.Channel.WEBHOOK,
        webhook_url="https://partner.example.invalid/hook",
        partner=partner_org,
        webhook_secret="s3cret-for-tests",
    )


@pytest.fixture
def transport():
    return RecordingTransport()


@pytest.fixture
def no_sleep():
    pauses = []
    return pauses.append, pauses
