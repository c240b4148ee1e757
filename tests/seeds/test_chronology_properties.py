"""Property tests: whatever is pasted, the parser answers with a ParseResult or a
ChronologyError, and what it reports is consistent with the text it read."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casetracker.partialdate import PartialDate
from seeds.chronology import ChronologyError, ParseResult, parse
from seeds.chronology.model import (
    DETENTION_TYPES,
    EVENT_TYPES,
    HEARING_KINDS,
    WARNING_KINDS,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Surrogate-free unicode with the awkward bits made likely: NUL, BOM, NBSP, line breaks,
# curly quotes, dashes, Myanmar and Cyrillic letters and digits.
AWKWARD = "\x00\ufeff\xa0\r\n\t“”’–—:-,.()" + "ကခဂဃင၁၂၃" + "абвгдежз" + "0123456789"
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(AWKWARD),
    ),
    max_size=400,
)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
SHORT = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.",
         "Nov.", "Dec."]  # fmt: skip
PHRASES = [
    "Judicial custody extended for 30 days until 21 January 2022.",
    "He was arrested under Sections 120B and 121A of the Indian Penal Code "
    "(“criminal conspiracy” and “waging war”, respectively).",
    "The NIA filed a charge sheet.",
    "He was transferred to the Tihar maximum security prison, in New Delhi.",
    "One year anniversary of his detention.",
    "UN experts expressed concern.",
    "Appeared before the NIA Special Court in New Delhi.",
    "He was detained since 10 March.",
    "ကခဂ абв \x00 noise",
    "",
]


@st.composite
def written_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    style = draw(st.integers(0, 8))
    month = MONTHS[day.month - 1]
    return [
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{SHORT[day.month - 1]} {day.day}, {day.year}",
        f"{month} {day.year}",
        f"Early {day.year}",
        f"{day.year}",
        day.isoformat(),
        f"{day.day} {month}",
        f"the {day.year // 10 * 10}s",
    ][style]


@st.composite
def chronology_lines(draw: st.DrawFn) -> str:
    date = draw(written_dates())
    lead = draw(st.sampled_from(["", "On ", "In ", "Since ", "- ", "mid-"]))
    separator = draw(st.sampled_from([": ", " - ", ", ", " ", " – ", ":\xa0 "]))
    return lead + date + separator + draw(st.sampled_from(PHRASES))


CHRONOLOGIES = st.lists(
    st.one_of(chronology_lines(), ANY_TEXT.map(lambda t: t[:80])), min_size=1, max_size=12
).map(lambda lines: draw_join(lines))


def draw_join(lines: list[str]) -> str:
    # Mix line endings the way pasted text does.
    endings = ["\n", "\r\n", "\n\n", "\r"]
    return "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))


def source_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def parse_or_error(text: str, **kw: object) -> ParseResult | None:
    try:
        return parse(text, **kw)
    except ChronologyError:
        assert not text.removeprefix("\ufeff").strip(), "only empty text may be refused"
        return None


def check_consistency(text: str, result: ParseResult) -> None:
    lines = source_lines(text)
    for entry in result.entries:
        value = PartialDate.parse(entry.date.iso(), entry.date.precision.label)
        assert (value.value, value.precision) == (entry.date.value, entry.date.precision)
        assert entry.as_written and entry.as_written in lines[entry.line - 1]
        assert entry.type in EVENT_TYPES
        assert len(entry.fingerprint) == 64
    for record in (*result.charges, *result.hearings, *result.detentions, *result.warnings):
        assert 1 <= record.line <= len(lines)
    assert {h.kind for h in result.hearings} <= set(HEARING_KINDS)
    assert {d.type for d in result.detentions} <= set(DETENTION_TYPES)
    assert {w.kind for w in result.warnings} <= set(WARNING_KINDS)
    json.dumps(result.to_dict())


@FAST
@given(ANY_TEXT)
def test_any_text_gives_a_result_or_a_chronology_error(text):
    result = parse_or_error(text)
    if result is not None:
        check_consistency(text, result)


@FAST
@given(CHRONOLOGIES, st.one_of(st.none(), st.integers(1900, 2100)))
def test_chronology_like_text_gives_dates_that_round_trip_and_occur_in_their_line(text, year):
    result = parse_or_error(text, default_year=year)
    if result is not None:
        check_consistency(text, result)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["", "On ", "In ", "Since ", "- ", "• "]),
    written_dates(),
    st.sampled_from([": ", " - ", " – ", ":\xa0 ", " : "]),
    st.sampled_from([p for p in PHRASES if p]),
)
def test_a_line_led_by_a_date_and_a_separator_is_one_list_entry(lead, date, separator, phrase):
    # default_year 2020 is a leap year, so "29 February" without a year is still a date.
    result = parse(lead + date + separator + phrase, default_year=2020)
    [entry] = result.entries
    assert (entry.line, entry.style, entry.text) == (1, "list", phrase)
    assert entry.as_written == date.removeprefix("the ")


@FAST
@given(CHRONOLOGIES)
def test_parsing_is_deterministic(text):
    first = parse_or_error(text)
    assert first == parse_or_error(text)


def test_a_megabyte_of_noise_is_parsed_quickly():
    rng = random.Random(20211122)
    alphabet = "abcdefghij ABCDEFG 0123456789 .,:;-()“”\"'\x00\xa0ကခဂ၁၂абв\r\n"
    noise = "".join(rng.choice(alphabet) for _ in range(1_000_000))
    started = time.perf_counter()
    result = parse(noise)
    assert time.perf_counter() - started < 10
    check_consistency(noise, result)


def test_a_megabyte_line_of_dates_and_blanks_is_parsed_quickly():
    line = "22 November 2021: custody extended for" + " " * 1_000_000 + "40 days"
    started = time.perf_counter()
    result = parse(line)
    assert time.perf_counter() - started < 10
    assert [h.custody_days for h in result.hearings] == [40]
