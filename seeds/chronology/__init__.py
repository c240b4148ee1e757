"""A pure chronology parser (no ORM, no Django): pasted text in, ``ParseResult`` out.

    >>> from seeds.chronology import parse
    >>> result = parse("22 November 2021: Khurram Parvez was arrested.")
    >>> result.entries[0].date.iso(), result.entries[0].type
    ('2021-11-22', 'arrest')

Which dates become entries
--------------------------
* **List entries.** A line led by a date followed by ":" or a dash is one entry: the
  leading date is the entry's date and the rest of the line its text ("22 November
  2021: ...", "July 11, 2021 - ...", "2022 - ...", "Early 1980: ...", "On 10 June 2025:
  ..."). A bullet and a preposition (On/In/Since/By/From/During/Until) may come first.
  A line holding only a date is a heading: its text is the next line. Other dates inside
  a list line are references ("an FIR lodged by the NIA on 6 November 2021") and never
  become entries.
* **Prose entries.** Every other line is split into sentences. A sentence yields at most
  one entry, from its first readable date, and only when the sentence starts with that
  date ("In September 2016, the authorities arrested him") or narrates an event (its
  type, see ``classify``, is not "other": "He was detained in November 2021 ..."). A
  bare year or month needs a preposition or qualifier to count as a date in prose
  ("in 2019", "since March", "mid-February"), so "Act 1967" is not one.
* Lines that look like a dated entry but cannot be read ("32 November 2021:",
  "Septmber 2021 -", "13/05/2022:") give an ``unreadable`` warning and no entry.

Dates: "22 November 2021", "Nov. 13, 2025", "January 27, 2026", "September 2016",
"2021-11-22", "1972", "1970s" (decade), French and Spanish month names ("22 novembre
2021", "22 de noviembre de 2021"). "early", "mid", "late", "around", "circa", "the end
of"... make a date approximate and are kept in ``as_written``; a decade is approximate
too. A date without a year ("since 10 March") takes the previous entry's year (the next
year when the month falls 9+ months before the previous entry's, e.g. December ->
January), else ``default_year``, with a ``missing_year`` warning; without either it is
dropped with that warning.

Warnings never change what the source says: the written date stays the entry's date.
Only list entries with a written year are checked for sequence. See ``checks``.

Line numbers are 1-based; lines end at "\\n", "\\r\\n" or "\\r". A leading BOM is ignored.
"""

from __future__ import annotations

from .model import (
    Charge,
    ChronologyError,
    Detention,
    Entry,
    Hearing,
    ParseResult,
    ParseWarning,
    fingerprint,
)
from .parser import parse

__all__ = [
    "Charge",
    "ChronologyError",
    "Detention",
    "Entry",
    "Hearing",
    "ParseResult",
    "ParseWarning",
    "fingerprint",
    "parse",
]
