"""The issue's "done when": Khurram Parvez's 150-day milestone, once by e-mail and webhook."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.models import Reminder
from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.sender import sweep_reminders
from campaigns.reminders.services import demo_campaigner_ensure
from tests.factories import CaseShareFactory
from tests.reminders.conftest import at

pytestmark = pytest.mark.django_db


def test_khurrams_150_day_milestone_is_planned_drafted_and_sent_once_per_channel(
    khurram, webhook_sub, partner_org, transport
):
    CaseShareFactory(case=khurram, organisation=partner_org)
    campaigner = demo_campaigner_ensure()
    now = at(2022, 4, 14)

    plan_reminders(now=now)

    milestone = Reminder.objects.get(
        subscription=campaigner, kind="milestone", number=150, lead_days=7
    )
    assert milestone.occurrence_date == dt.date(2022, 4, 21)
    assert milestone.draft_text == (
        "Khurram Parvez (fake) marks 150 days arbitrarily detained on baseless charges."
    )
    first = sweep_reminders(now=now, transport=transport)
    assert first["sent"] == 2
    assert len(transport.emails) == 1
    assert transport.emails[0].to == ["campaigner@demo.invalid"]
    assert "150 days" in transport.emails[0].body
    assert len(transport.webhooks) == 1
    assert b'"date": "2022-04-21"' in transport.webhooks[0][1]
    assert transport.verified("s3cret-for-tests", now)

    plan_reminders(now=now)
    again = sweep_reminders(now=now, transport=transport)
    assert again["sent"] == 0
    assert len(transport.emails) == 1 and len(transport.webhooks) == 1


def test_the_demo_campaigner_is_created_once():
    assert demo_campaigner_ensure() == demo_campaigner_ensure()
