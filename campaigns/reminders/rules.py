"""Which dates are coming: pure functions, no ORM, so the rules table tests stay fast.

Day-counting convention: the day of arrest is day 0; day N falls N days after it
(arrest 22 November 2021 → day 150 on 21 April 2022), as ``casetracker.partialdate``.
Only occurrences inside the window are returned: callers pass ``(today, today + horizon)``,
which is what prevents a back-fill storm for a case detained since 2016.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from casetracker.partialdate import PartialDate, anniversary

MILESTONE_DAYS = (100, 150, 200, 365, 500, 730, 1000)

HEARING = "hearing"
CUSTODY_EXPIRY = "custody_expiry"
MILESTONE = "milestone"
ANNIVERSARY = "anniversary"
BIRTHDAY = "birthday"
INTERNATIONAL_DAY = "international_day"

HEARING_KINDS = frozenset({HEARING, CUSTODY_EXPIRY})  # use the hearing lead times
DETENTION_KINDS = frozenset({MILESTONE, ANNIVERSARY, BIRTHDAY, INTERNATIONAL_DAY})


@dataclass(frozen=True)
class InternationalDay:
    month: int
    day: int
    code: str
    lawyers_only: bool = False


INTERNATIONAL_DAYS = (
    InternationalDay(1, 24, "endangered_lawyer", lawyers_only=True),
    InternationalDay(10, 30, "political_prisoners"),
    InternationalDay(12, 9, "human_rights_defenders"),
    InternationalDay(12, 10, "human_rights"),
)


@dataclass(frozen=True)
class Occurrence:
    kind: str
    date: dt.date
    number: int | None = None  # days (milestone), years (anniversary), age (birthday)
    hearing_id: int | None = None
    time: dt.time | None = None
    tz: str = ""
    code: str = ""  # international day code


Window = tuple[dt.date, dt.date]


def _inside(day: dt.date, window: Window) -> bool:
    return window[0] <= day <= window[1]


def detention_milestones(start: PartialDate | None, window: Window) -> list[Occurrence]:
    """Day milestones and yearly anniversaries of arrest; nothing for an inexact start.

    When a day milestone falls on an anniversary (day 365 usually is the first one) only
    the anniversary is kept: campaigners want one alert, "one year", not two.
    """
    if start is None or not start.is_exact:
        return []
    arrest = start.value
    out = {
        o.date: o
        for o in (
            Occurrence(ANNIVERSARY, anniversary(arrest, year), number=year - arrest.year)
            for year in range(max(arrest.year + 1, window[0].year), window[1].year + 1)
        )
        if _inside(o.date, window)
    }
    for days in MILESTONE_DAYS:
        day = arrest + dt.timedelta(days=days)
        if _inside(day, window) and day not in out:
            out[day] = Occurrence(MILESTONE, day, number=days)
    return sorted(out.values(), key=lambda o: o.date)


def birthdays(birth: PartialDate | None, window: Window) -> list[Occurrence]:
    if birth is None or not birth.is_exact:
        return []
    born = birth.value
    days = (anniversary(born, y) for y in range(window[0].year, window[1].year + 1))
    return [
        Occurrence(BIRTHDAY, d, number=d.year - born.year)
        for d in days
        if d > born and _inside(d, window)
    ]


def international_days(roles: Iterable[str], window: Window) -> list[Occurrence]:
    is_lawyer = "lawyer" in set(roles or ())
    out = []
    for year in range(window[0].year, window[1].year + 1):
        for iday in INTERNATIONAL_DAYS:
            day = dt.date(year, iday.month, iday.day)
            if (is_lawyer or not iday.lawyers_only) and _inside(day, window):
                out.append(Occurrence(INTERNATIONAL_DAY, day, code=iday.code))
    return out


def hearing_occurrences(hearing, window: Window) -> list[Occurrence]:
    """A scheduled hearing on an exact day, and the day its custody extension runs out.

    ``hearing`` is anything with the Hearing model's attributes. Custody: an extension of
    N days from date D runs out on D + N (``custody_until`` wins when recorded).
    """
    out = []
    if hearing.date_precision != 1:  # month/year precision: a review item, not a reminder
        return out
    if hearing.status == "scheduled" and _inside(hearing.date, window):
        out.append(
            Occurrence(
                HEARING, hearing.date, hearing_id=hearing.pk, time=hearing.time, tz=hearing.timezone
            )
        )
    until = custody_runs_out(hearing)
    if until is not None and hearing.status in ("scheduled", "held") and _inside(until, window):
        out.append(Occurrence(CUSTODY_EXPIRY, until, hearing_id=hearing.pk))
    return out


def custody_runs_out(hearing) -> dt.date | None:
    if hearing.custody_until is not None:
        return hearing.custody_until
    if hearing.custody_days:
        return hearing.date + dt.timedelta(days=hearing.custody_days)
    return None


def case_occurrences(
    *, detained: bool, detained_since, birth_date, roles, hearings, window: Window
) -> list[Occurrence]:
    """Everything coming for one case inside ``window``, before kind filtering."""
    out: list[Occurrence] = []
    for hearing in hearings:
        out.extend(hearing_occurrences(hearing, window))
    if detained:
        out.extend(detention_milestones(detained_since, window))
        out.extend(birthdays(birth_date, window))
        out.extend(international_days(roles, window))
    return out
