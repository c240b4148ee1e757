"""Consistency checks across entries. They only warn; the source is never corrected.

* out_of_sequence: list entries are expected to run in one direction (ascending, or
  descending if most steps go down). An entry is flagged when it breaks the order while its
  neighbours agree with each other ("24 January 2021" between 25 December 2021 and
  12 February 2022), or when it is the first entry after a step backwards. The suggestion
  is the same day and month in the first year that fits between the neighbours.
  Prose entries are not checked (narrative jumps back and forth on purpose), nor are
  entries whose year was assumed.
* anniversary_mismatch: "One year anniversary of X's detention" is compared with the
  custody start (or verdict, death...) whose anniversary falls closest to it; a mismatch
  of up to 45 days is reported. Further off, the event is probably not in the text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence

from casetracker.partialdate import PartialDate, Precision, anniversary

from .model import Entry, ParseWarning

_ORDINALS = {
    "one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3, "four": 4,
    "fourth": 4, "five": 5, "fifth": 5, "six": 6, "sixth": 6, "seven": 7, "seventh": 7,
    "eight": 8, "eighth": 8, "nine": 9, "ninth": 9, "ten": 10, "tenth": 10,
}  # fmt: skip
_ANNIVERSARY_RE = re.compile(
    r"\b(?P<n>[0-9]{1,2}|" + "|".join(_ORDINALS) + r")(?:st|nd|rd|th)?[\s-]++(?:years?[\s-]++)?"
    r"anniversary\s++of\s++(?:[\w’'.-]++\s++){0,3}?(?P<what>arrest|detention|imprisonment|"
    r"abduction|disappearance|incarceration|conviction|sentencing|death|killing)\b",
    re.IGNORECASE,
)
_REFERENCE_TYPES = {
    "conviction": {"verdict", "sentence"},
    "sentencing": {"sentence", "verdict"},
    "death": {"death"},
    "killing": {"death"},
}
_CUSTODY_TYPES = {"arrest", "detention"}
_TOLERANCE_DAYS = 45


# -- sequence -----------------------------------------------------------------------------
Span = tuple[int, int]  # (earliest, latest) as day ordinals


def sequence_warnings(entries: Sequence[Entry]) -> list[ParseWarning]:
    spans = [(e.date.earliest.toordinal(), e.date.latest.toordinal()) for e in entries]
    descending = _steps(spans, down=True) > _steps(spans, down=False)
    if descending:  # check a descending chronology as an ascending one, mirrored
        spans = [(-hi, -lo) for lo, hi in spans]
    warnings: list[ParseWarning] = []
    for i in range(len(spans)):
        window = [spans[j] if 0 <= j < len(spans) else None for j in (i - 1, i + 1, i + 2)]
        if _is_culprit(spans[i], *window):
            warnings.append(_sequence_warning(entries, i, descending))
    return warnings


def _steps(spans: list[Span], *, down: bool) -> int:
    pairs = itertools.pairwise(spans)
    return sum(1 for a, b in pairs if (b[1] < a[0] if down else b[0] > a[1]))


def _is_culprit(e: Span, p: Span | None, n: Span | None, nn: Span | None) -> bool:
    before_prev = p is not None and e[1] < p[0]
    after_next = n is not None and e[0] > n[1]
    if p is not None and n is not None:
        if p[0] <= n[1]:  # the neighbours agree: this entry is the odd one out
            return before_prev or after_next
        return before_prev  # the first entry after a step backwards
    if p is not None:
        return before_prev
    if n is not None:  # the first entry: blame it only if the rest is in order
        return after_next and (nn is None or n[0] <= nn[1])
    return False


def _sequence_warning(entries: Sequence[Entry], i: int, descending: bool) -> ParseWarning:
    entry = entries[i]
    prev = entries[i - 1] if i > 0 else None
    nxt = entries[i + 1] if i + 1 < len(entries) else None
    low, high = (nxt, prev) if descending else (prev, nxt)
    suggestion = _fitting_date(entry.date, low.date if low else None, high.date if high else None)
    around = " and ".join(
        f"{word} {other.as_written} (line {other.line})"
        for word, other in (("after", prev), ("before", nxt))
        if other is not None
    )
    message = f"{entry.as_written} is out of sequence: it comes {around}"
    if suggestion:
        message += f"; {suggestion} would fit (same day and month, another year)"
    return ParseWarning(entry.line, "out_of_sequence", message, entry.as_written, suggestion)


def _fitting_date(
    date: PartialDate, low: PartialDate | None, high: PartialDate | None
) -> str | None:
    if date.precision not in (Precision.DAY, Precision.MONTH) or (low is None and high is None):
        return None
    first = low.value.year if low else high.value.year - 1
    last = high.value.year if high else low.value.year + 1
    for year in range(first, last + 1):
        candidate = _same_day_in(date, year)
        if candidate is None:
            continue
        if (low is None or candidate.latest >= low.earliest) and (
            high is None or candidate.earliest <= high.latest
        ):
            return candidate.iso()
    return None


def _same_day_in(date: PartialDate, year: int) -> PartialDate | None:
    try:
        return PartialDate(date.value.replace(year=year), date.precision)
    except ValueError:  # 29 February in a common year
        return None


# -- anniversaries ------------------------------------------------------------------------
def anniversary_warnings(
    entries: Sequence[Entry], custody_starts: Sequence[tuple[int, PartialDate]]
) -> list[ParseWarning]:
    """``custody_starts``: (line, date) of every record that starts custody."""
    warnings: list[ParseWarning] = []
    for entry in entries:
        m = _ANNIVERSARY_RE.search(entry.text) if entry.type == "anniversary" else None
        if m is None or entry.date.precision != Precision.DAY:
            continue
        years = int(m["n"]) if m["n"].isdigit() else _ORDINALS[m["n"].casefold()]
        what = m["what"].casefold()
        refs = _references(entries, custody_starts, what, entry.date)
        warning = _compare(entry, years, what, refs)
        if warning:
            warnings.append(warning)
    return warnings


def _references(
    entries: Sequence[Entry],
    custody_starts: Sequence[tuple[int, PartialDate]],
    what: str,
    before: PartialDate,
) -> list[tuple[int, PartialDate]]:
    types = _REFERENCE_TYPES.get(what, _CUSTODY_TYPES)
    refs = [(e.line, e.date) for e in entries if e.type in types]
    if types is _CUSTODY_TYPES:
        refs += list(custody_starts)
    return [(line, d) for line, d in refs if d.precision == Precision.DAY and d < before]


def _compare(
    entry: Entry, years: int, what: str, refs: list[tuple[int, PartialDate]]
) -> ParseWarning | None:
    best: tuple[int, int, PartialDate, dt.date] | None = None
    for line, ref in refs:
        try:
            expected = anniversary(ref.value, ref.value.year + years)
        except ValueError:  # beyond year 9999
            continue
        gap = abs((expected - entry.date.value).days)
        if best is None or gap < best[0]:
            best = (gap, line, ref, expected)
    if best is None or best[0] == 0 or best[0] > _TOLERANCE_DAYS:
        return None
    _, line, ref, expected = best
    message = (
        f"{entry.as_written} is given as the {years}-year anniversary of the {what}, but the "
        f"{what} on {ref} (line {line}) has its anniversary on {PartialDate(expected)}"
    )
    return ParseWarning(
        entry.line, "anniversary_mismatch", message, entry.as_written, expected.isoformat()
    )
