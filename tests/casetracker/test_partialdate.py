from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casetracker.partialdate import PartialDate, Precision, anniversary, days_between


def test_day_150_after_an_arrest_on_22_november_2021_is_21_april_2022():
    arrest = PartialDate.day(2021, 11, 22)
    assert str(days_between(arrest, dt.date(2022, 4, 21))) == "150 days"


def test_a_month_only_start_gives_a_range_of_days_not_a_false_exact_number():
    since = PartialDate.month(2016, 9, as_written="In September 2016")
    days = days_between(since, dt.date(2022, 11, 21))
    assert not days.exact
    assert (days.low, days.high) == (2243, 2272)
    assert str(days) == "≈ 2,243–2,272 days"


def test_a_month_value_is_stored_as_the_first_of_the_month():
    assert PartialDate(dt.date(2016, 9, 17), Precision.MONTH).value == dt.date(2016, 9, 1)


@pytest.mark.parametrize(
    ("text", "precision", "iso"),
    [
        ("2021-11-22", Precision.DAY, "2021-11-22"),
        ("2021-09", Precision.MONTH, "2021-09"),
        ("1972", Precision.YEAR, "1972"),
        ("197X", Precision.DECADE, "1970"),
    ],
)
def test_it_parses_iso_and_edtf_with_the_matching_precision(text, precision, iso):
    parsed = PartialDate.parse(text)
    assert parsed.precision == precision
    assert parsed.iso() == iso


def test_an_approximate_edtf_date_keeps_its_flag():
    assert PartialDate.parse("1980~").approximate
    assert PartialDate.parse("1980~").edtf() == "1980~"


@pytest.mark.parametrize("bad", ["", "22/11/2021", "2021-13", "2021-02-30", "soon"])
def test_it_rejects_unreadable_dates_with_a_message(bad):
    with pytest.raises(ValueError, match="date"):
        PartialDate.parse(bad)


def test_a_precision_that_contradicts_the_string_is_rejected():
    with pytest.raises(ValueError, match="precision"):
        PartialDate.parse("2021-09", "day")


def test_the_more_precise_of_two_dates_starting_the_same_day_sorts_first():
    dates = [PartialDate.month(2016, 9), PartialDate.year(2016), PartialDate.day(2016, 9, 1)]
    assert sorted(dates) == [
        PartialDate.year(2016),
        PartialDate.day(2016, 9, 1),
        PartialDate.month(2016, 9),
    ]


def test_29_february_anniversaries_fall_on_28_february_in_common_years():
    assert anniversary(dt.date(2020, 2, 29), 2023) == dt.date(2023, 2, 28)
    assert anniversary(dt.date(2020, 2, 29), 2024) == dt.date(2024, 2, 29)


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(list(Precision)))
def test_every_partial_date_round_trips_through_its_edtf_form(value, precision):
    date = PartialDate(value, precision)
    assert PartialDate.parse(date.edtf(), precision.label) == date
    assert date.earliest <= value <= date.latest
