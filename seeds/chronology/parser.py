"""``parse``: text in, ``ParseResult`` out. See the package docstring for the rules."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from casetracker.partialdate import PartialDate, Precision

from .charges import extract_charges
from .checks import anniversary_warnings, sequence_warnings
from .classify import also_types, classify
from .custody import CustodyRecord, detention_for, hearing_for
from .dates import DateMatch, iter_dates
from .model import ChronologyError, Entry, ParseResult, ParseWarning
from .segment import leads, numeric_reading, read_head, sentences, split_lines, unreadable_head

_BLOCK_LIMIT = 20_000  # characters of continuation text looked at for custody details
_WARNING_ORDER = (
    "unreadable",
    "missing_year",
    "out_of_sequence",
    "arithmetic",
    "anniversary_mismatch",
)


def parse(text: str, *, default_year: int | None = None) -> ParseResult:
    """Read a pasted chronology. Raises ``ChronologyError`` only, for unusable input."""
    text = _checked(text, default_year)
    lines = split_lines(text)
    scan = _Scanner(lines, default_year)
    scan.run()
    return _assemble(lines, scan)


def _checked(text: object, default_year: object) -> str:
    if not isinstance(text, str):
        raise ChronologyError(f"expected the chronology as text (str), got {type(text).__name__}")
    if default_year is not None and (
        isinstance(default_year, bool)
        or not isinstance(default_year, int)
        or not 1 <= default_year <= 9999
    ):
        raise ChronologyError(f"default_year must be a year from 1 to 9999, got {default_year!r}")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ChronologyError("the text is empty")
    return text


class _Scanner:
    """One pass over the lines: entries, their anchors and the line-level warnings."""

    def __init__(self, lines: list[str], default_year: int | None) -> None:
        self.lines = lines
        self.default_year = default_year
        self.entries: list[Entry] = []
        self.assumed: set[int] = set()  # indexes of entries whose year was assumed
        self.anchors: list[tuple[int, int, int]] = []  # (line, offset, entry index or -1)
        self.warnings: list[ParseWarning] = []
        self.heading: tuple[int, PartialDate, bool] | None = None

    def run(self) -> None:
        for number, line in enumerate(self.lines, 1):
            if line.strip():
                self._line(number, line)
        self._close_heading("")

    def _line(self, number: int, line: str) -> None:
        head = read_head(line)
        odd = None if head else unreadable_head(line)
        if self.heading and head is None and odd is None:
            self._close_heading(line.strip())  # a date on its own line heads this text
            return
        self._close_heading("")
        if head is not None:
            self._list_entry(number, line, head.date, head.text_start)
        elif odd is not None:
            self._unreadable(
                number,
                odd,
                f"{odd!r} looks like the date of an entry but cannot be read as one",
                numeric_reading(odd),
            )
        else:
            self._prose(number, line)

    # -- list entries and headings -------------------------------------------------------
    def _list_entry(self, number: int, line: str, found: DateMatch, text_start: int) -> None:
        if not found.is_real():
            self._unreadable(number, found.as_written, f"{found.as_written!r} is not a real date")
            return
        date, assumed = self._resolve(number, found)
        if date is None:
            self.anchors.append((number, 0, -1))
        elif text_start < 0:
            self.heading = (number, date, assumed)
        else:
            self._add(number, date, line[text_start:].strip(), "list", 0, assumed)

    def _close_heading(self, text: str) -> None:
        if self.heading is not None:
            number, date, assumed = self.heading
            self.heading = None
            self._add(number, date, text, "list", 0, assumed)

    def _unreadable(self, number: int, written: str, message: str, hint: str | None = None) -> None:
        self.warnings.append(ParseWarning(number, "unreadable", message, written, hint))
        self.anchors.append((number, 0, -1))  # its text belongs to no earlier entry

    # -- prose ----------------------------------------------------------------------------
    def _prose(self, number: int, line: str) -> None:
        for start, end in sentences(line):
            found = _sentence_date(line, start, end)
            if found is None:
                continue
            date, assumed = self._resolve(number, found)
            if date is not None:
                sentence = line[start:end].strip()
                self._add(number, date, sentence, "prose", start, assumed)

    # -- shared -----------------------------------------------------------------------------
    def _add(
        self, number: int, date: PartialDate, text: str, style: str, offset: int, assumed: bool
    ) -> None:
        if assumed:
            self.assumed.add(len(self.entries))
        self.anchors.append((number, offset, len(self.entries)))
        kind = classify(text)
        self.entries.append(Entry(number, date, kind, text, style))
        # Further events named in the same text share its date but own no anchor: the
        # hearing, custody and charge records come from the primary entry alone.
        for extra in also_types(text, kind):
            if assumed:
                self.assumed.add(len(self.entries))
            self.entries.append(Entry(number, date, extra, text, style, secondary=True))

    def _resolve(self, number: int, found: DateMatch) -> tuple[PartialDate | None, bool]:
        """The date, taking the year from context when the text gives none (with a warning)."""
        if found.has_year:
            return found.to_partial(), False
        year, source = self._context_year(found)
        if year is None:
            self._missing_year(
                number,
                found,
                "there is no earlier dated entry and no "
                "default_year to take one from; it is not recorded",
                None,
            )
            return None, False
        try:
            date = found.to_partial(year)
        except ValueError:
            self._missing_year(number, found, f"it is not a real date in {year}", None)
            return None, False
        self._missing_year(number, found, f"assumed {year} from {source}", date.iso())
        return date, True

    def _context_year(self, found: DateMatch) -> tuple[int | None, str]:
        if self.entries:
            prev = self.entries[-1]
            year = prev.date.value.year
            # "25 December 2021: ..." then "10 January: ..." most likely crossed a new year.
            if prev.date.precision <= Precision.MONTH and prev.date.value.month - found.month >= 9:
                return (
                    year + 1,
                    f"the previous entry ({prev.as_written}, line {prev.line}), plus one",
                )
            return year, f"the previous entry ({prev.as_written}, line {prev.line})"
        if self.default_year is not None:
            return self.default_year, "default_year"
        return None, ""

    def _missing_year(self, number: int, found: DateMatch, what: str, hint: str | None) -> None:
        message = f"{found.as_written!r} has no year: {what}"
        self.warnings.append(ParseWarning(number, "missing_year", message, found.as_written, hint))


def _sentence_date(line: str, start: int, end: int) -> DateMatch | None:
    """The date a prose sentence narrates: its first readable date, kept when the sentence
    starts with it or the sentence describes an event (type other than "other")."""
    for found in iter_dates(line, start, end, bare=False):
        if not found.is_real() or (found.needs_context and not found.anchored):
            continue
        if leads(line, start, found.start) or classify(line[start:end]) != "other":
            return found
        return None
    return None


# -- assembling the result ----------------------------------------------------------------
def _assemble(lines: list[str], scan: _Scanner) -> ParseResult:
    entries = scan.entries
    keys = [(line, offset) for line, offset, _ in scan.anchors]

    def owner(number: int, pos: int) -> tuple[PartialDate | None, str]:
        # A list entry owns the lines after it; a prose entry only the rest of its paragraph.
        k = bisect.bisect_right(keys, (number, pos)) - 1
        index = scan.anchors[k][2] if k >= 0 else -1
        if index < 0 or (entries[index].style == "prose" and keys[k][0] != number):
            return None, ""
        return entries[index].date, entries[index].text

    records = [r for r in _custody_records(lines, scan) if r is not None]
    dropped = _restatements(entries, records)
    records = [r for r in records if (r.detention.line, r.detention.date) not in dropped]
    kept = [(i, e) for i, e in enumerate(entries) if (e.line, e.date) not in dropped]
    hearings, warnings = [], list(scan.warnings)
    for _i, entry in kept:
        hearing, warning = hearing_for(entry) if not entry.secondary else (None, None)
        hearings += [hearing] if hearing else []
        warnings += [warning] if warning else []
    listed = [e for i, e in kept if e.style == "list" and not e.secondary and i not in scan.assumed]
    warnings += sequence_warnings(listed)
    starts = [(r.detention.line, r.detention.date) for r in records if r.starts_custody]
    warnings += anniversary_warnings([e for _i, e in kept if not e.secondary], starts)
    warnings.sort(key=lambda w: (w.line, _WARNING_ORDER.index(w.kind)))
    return ParseResult(
        entries=tuple(e for _i, e in kept),
        charges=tuple(extract_charges(lines, owner)),
        hearings=tuple(hearings),
        detentions=tuple(r.detention for r in records),
        warnings=tuple(warnings),
    )


def _restatements(
    entries: list[Entry], records: list[CustodyRecord]
) -> set[tuple[int, PartialDate]]:
    """Prose entries that restate a custody start the list dates more exactly.

    A summary paragraph ("He was detained in November 2021") before the list entry that
    narrates the arrest ("22 November 2021: ... an arrest memo") is the same event told
    twice: keeping both would give the case two timeline events and two detentions for one
    arrest. The coarse prose entry (and its detention) is dropped; the list entry stays.
    """
    list_lines = {e.line for e in entries if e.style == "list"}
    starts = [
        r.detention.date
        for r in records
        if r.starts_custody
        and r.detention.line in list_lines
        and r.detention.date.precision == Precision.DAY
    ]
    return {
        (e.line, e.date)
        for e in entries
        if e.style == "prose"
        and e.type in _CUSTODY_START_TYPES
        and e.date.precision > Precision.DAY
        and any(e.date.earliest <= s.value <= e.date.latest for s in starts)
    }


_CUSTODY_START_TYPES = frozenset({"arrest", "detention"})


def _custody_records(lines: list[str], scan: _Scanner) -> Iterator[CustodyRecord | None]:
    anchors = scan.anchors
    for k, (_line, offset, index) in enumerate(anchors):
        if index < 0:
            continue
        entry = scan.entries[index]
        nxt = anchors[k + 1] if k + 1 < len(anchors) else (len(lines) + 1, 0, -1)
        yield detention_for(entry, _block(lines, entry, offset, nxt[:2]))


def _block(lines: list[str], entry: Entry, offset: int, nxt: tuple[int, int]) -> str:
    """The entry's text with what follows it up to the next entry (same paragraph for prose)."""
    line = lines[entry.line - 1]
    if entry.style == "prose":
        return line[offset : nxt[1] if nxt[0] == entry.line else len(line)][:_BLOCK_LIMIT]
    following = "\n".join(lines[entry.line : max(entry.line, nxt[0] - 1)])
    return f"{entry.text}\n{following}"[:_BLOCK_LIMIT]
