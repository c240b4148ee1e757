from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from campaigns.models import Subscription
from campaigns.reminders.ical import calendar_for
from campaigns.reminders.services import calendar_token_rotate
from tests.factories import HearingFactory
from tests.reminders.conftest import at

pytestmark = pytest.mark.django_db


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_the_feed_round_trips_with_stable_uids_time_zones_and_all_day_events(khurram, email_sub):
    HearingFactory(
        case=khurram, date=dt.date(2022, 4, 25), time=dt.time(10, 30), timezone="Asia/Kolkata"
    )
    data = calendar_for(email_sub, now=at(2022, 4, 14))
    found = events(data)
    ref = khurram.reference
    hearing = found[f"reminder-hearing-{ref}-20220425@casetracker"]
    start = hearing.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Asia/Kolkata"
    assert (start.hour, start.minute) == (10, 30)
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Asia/Kolkata" in data
    milestone = found[f"reminder-milestone-{ref}-20220421@casetracker"]
    assert milestone.decoded("dtstart") == dt.date(2022, 4, 21)
    assert "150 days" in str(milestone["description"])
    # A second rendering later keeps the same UIDs: calendars update, not duplicate.
    assert set(events(calendar_for(email_sub, now=at(2022, 4, 15)))) >= set(found) - {
        u for u in found if "20220414" in u
    }


def test_the_feed_url_serves_the_calendar_and_an_unknown_token_is_404(client, khurram, email_sub):
    response = client.get(f"/calendar/{email_sub.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    icalendar.Calendar.from_ical(response.content)
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_rotated_token_stops_the_old_url(client, email_sub):
    old = email_sub.calendar_token
    calendar_token_rotate(subscription=email_sub)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{email_sub.calendar_token}.ics").status_code == 200


def test_the_feed_shows_only_what_the_subscriber_may_see(khurram, org_a):
    from casetracker.fields import Tier
    from tests.factories import CaseFactory

    hidden = CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    sub = Subscription.objects.create(channel="email", email="p@example.invalid")
    data = calendar_for(sub, now=at(2022, 4, 14))
    assert khurram.reference.encode() in data
    assert hidden.reference.encode() not in data
