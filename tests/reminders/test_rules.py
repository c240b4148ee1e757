"""The rules table: which dates come up, with an injected window (no clock, no database)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from campaigns.reminders import rules
from casetracker.partialdate import PartialDate

D = dt.date


def window(start: dt.date, days: int = 60) -> rules.Window:
    return (start, start + dt.timedelta(days=days))


def hearing(**kw):
    base = dict(
        pk=1,
        date=D(2022, 1, 21),
        date_precision=1,
        status="scheduled",
        time=None,
        timezone="",
        custody_days=None,
        custody_until=None,
    )
    return SimpleNamespace(**{**base, **kw})


@pytest.mark.parametrize(
    ("arrest", "today", "expected"),
    [
        # Day 0 is the day of arrest: 22 Nov 2021 + 150 days = 21 April 2022.
        (D(2021, 11, 22), D(2022, 4, 14), [("milestone", D(2022, 4, 21), 150)]),
        (D(2021, 11, 22), D(2022, 2, 25), [("milestone", D(2022, 3, 2), 100)]),
        (D(2021, 11, 22), D(2022, 6, 1), [("milestone", D(2022, 6, 10), 200)]),
        # Day 365 is the first anniversary: one alert ("one year"), not two.
        (D(2021, 11, 22), D(2022, 11, 1), [("anniversary", D(2022, 11, 22), 1)]),
        (D(2021, 11, 22), D(2023, 3, 20), [("milestone", D(2023, 4, 6), 500)]),
        (D(2021, 11, 22), D(2024, 8, 1), [("milestone", D(2024, 8, 18), 1000)]),
        # 29 February arrests: 28 February in common years; day 365 coincides then.
        (D(2020, 2, 29), D(2021, 2, 1), [("anniversary", D(2021, 2, 28), 1)]),
        (D(2020, 2, 29), D(2024, 2, 1), [("anniversary", D(2024, 2, 29), 4)]),
        # Arrest on 1 March 2019: day 365 is 29 Feb 2020, the anniversary is 1 March.
        (
            D(2019, 3, 1),
            D(2020, 2, 20),
            [("milestone", D(2020, 2, 29), 365), ("anniversary", D(2020, 3, 1), 1)],
        ),
    ],
)
def test_detention_milestones_fall_on_the_day_counted_from_arrest_as_day_zero(
    arrest, today, expected
):
    found = rules.detention_milestones(PartialDate(arrest), window(today, 30))
    assert [(o.kind, o.date, o.number) for o in found] == expected


def test_a_case_detained_since_2016_gets_only_its_next_anniversary_not_a_back_fill():
    found = rules.detention_milestones(PartialDate(D(2016, 9, 17)), window(D(2026, 9, 1)))
    assert [(o.kind, o.date, o.number) for o in found] == [("anniversary", D(2026, 9, 17), 10)]


@pytest.mark.parametrize(
    "start",
    [PartialDate.month(2016, 9), PartialDate.year(2016), PartialDate(D(2016, 9, 17), 1, True)],
)
def test_an_inexact_arrest_date_produces_no_day_exact_milestone(start):
    assert rules.detention_milestones(start, window(D(2016, 9, 1), 3650)) == []


@pytest.mark.parametrize(
    ("born", "today", "expected"),
    [
        (D(1977, 5, 14), D(2022, 5, 1), [(D(2022, 5, 14), 45)]),
        (D(1980, 2, 29), D(2022, 2, 1), [(D(2022, 2, 28), 42)]),
        (D(1980, 2, 29), D(2024, 2, 1), [(D(2024, 2, 29), 44)]),
        (D(1977, 12, 30), D(2022, 12, 20), [(D(2022, 12, 30), 45)]),  # window spans years
        (D(1977, 5, 14), D(2022, 5, 15), []),  # just passed: next year, beyond the horizon
    ],
)
def test_birthdays_in_detention(born, today, expected):
    found = rules.birthdays(PartialDate(born), window(today, 30))
    assert [(o.date, o.number) for o in found] == expected


def test_a_birth_year_alone_gives_no_birthday():
    assert rules.birthdays(PartialDate.year(1977), window(D(2022, 1, 1), 365)) == []


@pytest.mark.parametrize(
    ("roles", "today", "expected"),
    [
        (["lawyer"], D(2022, 1, 10), [("endangered_lawyer", D(2022, 1, 24))]),
        (["defender"], D(2022, 1, 10), []),
        (["journalist"], D(2022, 10, 20), [("political_prisoners", D(2022, 10, 30))]),
        (
            [],
            D(2022, 12, 1),
            [("human_rights_defenders", D(2022, 12, 9)), ("human_rights", D(2022, 12, 10))],
        ),
    ],
)
def test_international_days_relevant_to_the_person(roles, today, expected):
    found = rules.international_days(roles, window(today, 20))
    assert [(o.code, o.date) for o in found] == expected


@pytest.mark.parametrize(
    ("h", "today", "expected"),
    [
        (hearing(), D(2022, 1, 1), [("hearing", D(2022, 1, 21))]),
        (hearing(status="cancelled"), D(2022, 1, 1), []),
        (hearing(status="postponed"), D(2022, 1, 1), []),
        (hearing(date=D(2022, 1, 1), date_precision=2), D(2022, 1, 1), []),  # month only
        (hearing(date=D(2021, 12, 1)), D(2022, 1, 1), []),  # in the past
        # Custody extended 30 days from 22 Dec 2021 runs out on 21 Jan 2022.
        (
            hearing(date=D(2021, 12, 22), status="held", custody_days=30),
            D(2022, 1, 1),
            [("custody_expiry", D(2022, 1, 21))],
        ),
        # An explicit "until" wins over the arithmetic.
        (
            hearing(
                date=D(2021, 12, 22), status="held", custody_days=30, custody_until=D(2022, 1, 20)
            ),
            D(2022, 1, 1),
            [("custody_expiry", D(2022, 1, 20))],
        ),
        (hearing(date=D(2021, 12, 22), status="cancelled", custody_days=30), D(2022, 1, 1), []),
    ],
)
def test_hearings_and_custody_expiry(h, today, expected):
    found = rules.hearing_occurrences(h, window(today, 30))
    assert [(o.kind, o.date) for o in found] == expected


def test_a_hearing_keeps_its_time_and_time_zone():
    h = hearing(time=dt.time(10, 30), timezone="Asia/Kolkata")
    (occ,) = rules.hearing_occurrences(h, window(D(2022, 1, 1)))
    assert (occ.time, occ.tz, occ.hearing_id) == (dt.time(10, 30), "Asia/Kolkata", 1)


def test_a_released_person_gets_hearings_but_no_detention_dates():
    found = rules.case_occurrences(
        detained=False,
        detained_since=PartialDate(D(2021, 11, 22)),
        birth_date=PartialDate(D(1977, 5, 14)),
        roles=["lawyer"],
        hearings=[hearing(date=D(2022, 5, 20))],
        window=window(D(2022, 4, 1), 60),
    )
    assert [o.kind for o in found] == ["hearing"]
