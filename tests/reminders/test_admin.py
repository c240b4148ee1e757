from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Reminder
from campaigns.reminders.planner import plan_reminders
from casetracker.fields import Tier
from people.models import Membership
from tests.factories import CampaignFactory, CaseFactory, HearingFactory
from tests.reminders.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigner(org_a, make_member):
    user = make_member(org_a, Membership.Role.CAMPAIGNER)
    user.is_superuser = True  # model permissions are the admin engineer's; visibility is ours
    user.save()
    return user


def soon(days):
    return timezone.localdate() + dt.timedelta(days=days)


def test_upcoming_lists_the_next_30_days_with_drafts_through_visibility(
    otp_login, client, campaigner, org_a, org_b
):
    mine = CaseFactory(owner=org_a, tier=Tier.INTERNAL, country="DZ")
    HearingFactory(case=mine, date=soon(5), tier=Tier.INTERNAL, court="Fake Court of Algiers")
    other = CaseFactory(owner=org_b, tier=Tier.INTERNAL)
    HearingFactory(case=other, date=soon(5), tier=Tier.INTERNAL)
    HearingFactory(case=mine, date=soon(45))  # beyond 30 days
    otp_login(client, campaigner)
    response = client.get("/admin/campaigns/reminder/upcoming/")
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.reference in body and other.reference not in body
    assert "before Fake Court of Algiers" in body
    assert soon(45).isoformat() not in body


def test_upcoming_filters_by_country_and_campaign(otp_login, client, campaigner, org_a):
    dz = CaseFactory(owner=org_a, country="DZ")
    HearingFactory(case=dz, date=soon(3))
    th = CaseFactory(owner=org_a, country="TH")
    HearingFactory(case=th, date=soon(3))
    campaign = CampaignFactory(owner=org_a)
    campaign.cases.add(th)
    otp_login(client, campaigner)
    by_country = client.get("/admin/campaigns/reminder/upcoming/?country=DZ").content.decode()
    assert dz.reference in by_country and th.reference not in by_country
    by_campaign = client.get(
        f"/admin/campaigns/reminder/upcoming/?campaign={campaign.pk}"
    ).content.decode()
    assert th.reference in by_campaign and dz.reference not in by_campaign


def test_upcoming_query_count_does_not_grow_with_cases(otp_login, client, campaigner, org_a):
    otp_login(client, campaigner)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/campaigns/reminder/upcoming/").status_code == 200
        return len(ctx)

    CaseFactory(owner=org_a)
    few = count()
    for _ in range(5):
        HearingFactory(case=CaseFactory(owner=org_a), date=soon(4))
    assert count() == few


def test_upcoming_needs_staff(client):
    response = client.get("/admin/campaigns/reminder/upcoming/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_reminder_changelist_hides_cases_the_user_may_not_see(
    otp_login, client, campaigner, org_b, email_sub
):
    CaseFactory(owner=org_b, tier=Tier.PUBLIC)  # public: the subscriber and the user see it
    hidden = CaseFactory(owner=org_b, tier=Tier.PUBLIC)
    plan_reminders(now=at(2022, 4, 14))
    hidden.tier = Tier.INTERNAL
    hidden.save()
    otp_login(client, campaigner)
    body = client.get("/admin/campaigns/reminder/").content.decode()
    assert hidden.reference not in body
    assert Reminder.objects.filter(case=hidden).exists()


def test_resend_action_and_needs_review_queue(otp_login, client, campaigner, khurram, email_sub):
    plan_reminders(now=at(2022, 4, 14))
    stuck = Reminder.objects.filter(case=khurram).first()
    Reminder.objects.filter(pk=stuck.pk).update(state="needs_review")
    otp_login(client, campaigner)
    queue = client.get("/admin/campaigns/needsreviewreminder/").content.decode()
    assert khurram.reference in queue
    response = client.post(
        "/admin/campaigns/reminder/",
        {"action": "resend", "_selected_action": [stuck.pk]},
    )
    assert response.status_code == 302
    stuck.refresh_from_db()
    assert stuck.state == "pending"
    assert stuck.attempts.get().requested_by == campaigner
