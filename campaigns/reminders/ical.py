"""iCalendar (RFC 5545) feed of one subscription: hearings and milestones it may see.

UIDs are stable (``reminder-<kind>-<case reference>-<YYYYMMDD>@casetracker``) so a
calendar application updates an event instead of duplicating it. A hearing with a time
is a timed event with its TZID (and VTIMEZONE); everything else is an all-day event.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
from django.utils import timezone

from campaigns.models import Subscription
from campaigns.reminders.channels import case_link
from campaigns.reminders.planner import desired_rows, horizon_days
from campaigns.reminders.selectors import (
    Upcoming,
    subscription_cases,
    subscription_viewer,
    upcoming_for,
)

PAST_DAYS = 30  # keep recent events so a calendar does not drop them the day after


def event_uid(item: Upcoming) -> str:
    occ = item.occurrence
    return f"reminder-{occ.kind}-{item.case.reference}-{occ.date:%Y%m%d}@casetracker"


def _event(item: Upcoming, stamp: dt.datetime) -> icalendar.Event:
    occ = item.occurrence
    event = icalendar.Event()
    event.add("uid", event_uid(item))
    event.add("dtstamp", stamp)
    event.add("summary", f"{item.draft.title} — {item.case.reference}")
    event.add("description", f"{item.draft.text}\n\n{case_link(item.case.reference)}")
    event.add("url", case_link(item.case.reference))
    event.add("categories", [occ.kind])
    if occ.time is not None:
        tz = zoneinfo.ZoneInfo(occ.tz) if occ.tz else timezone.get_default_timezone()
        start = dt.datetime.combine(occ.date, occ.time, tzinfo=tz)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(hours=1))
    else:
        event.add("dtstart", occ.date)
        event.add("dtend", occ.date + dt.timedelta(days=1))
    return event


def calendar_for(subscription: Subscription, *, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = (today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=horizon_days()))
    viewer = subscription_viewer(subscription)
    upcoming = upcoming_for(viewer, list(subscription_cases(subscription, viewer)), window)
    # The same kinds the subscription's reminders use, one event per occurrence.
    wanted = {
        (k[0], k[1], k[2]): item for k, (item, _) in desired_rows(subscription, upcoming).items()
    }
    cal = icalendar.Calendar()
    cal.add("prodid", "-//casetracker//reminders//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", subscription.label or "casetracker reminders")
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for item in wanted.values():
        cal.add_component(_event(item, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
