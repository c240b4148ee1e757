"""Recognising written dates: "22 November 2021", "Nov. 13, 2025", "Early 1980", "1970s"...

Every pattern has bounded repetition and starts on a digit or a month name, so scanning
a 1 MB line stays linear. Only ASCII digits count as digits (``[0-9]``, not ``\\d``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from casetracker.partialdate import PartialDate, Precision

_ENGLISH = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_ENGLISH_SHORT = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_FRENCH = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
_SPANISH = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip
MONTHS = {**_ENGLISH, **_ENGLISH_SHORT, **_FRENCH, **_SPANISH}
MONTH_NAMES = tuple(sorted(set(_ENGLISH) | set(_FRENCH) | set(_SPANISH)))


def _trie(words: dict[str, bool]) -> str:
    r"""A regex matching exactly ``words`` (word -> may end with "."), branching letter by
    letter: "j(?:an(?:uary|vier|\.?)|u...)". A flat list of 60 names would be tried name
    by name at every capital letter of a long text; the trie fails after a letter or two."""
    root: dict = {}
    for word, abbreviation in words.items():
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = abbreviation
    return _render(root)


def _render(node: dict) -> str:
    branches = [re.escape(char) + _render(child) for char, child in sorted(node.items()) if char]
    if "" in node:  # a word may end here; longer words are tried first
        branches.append(r"\.?" if node[""] else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


_FULL_NAMES = {name: False for name in {**_ENGLISH, **_FRENCH, **_SPANISH}}
_MONTH_TRIE = _trie({**_FULL_NAMES, **{short: True for short in _ENGLISH_SHORT}})
# Every month name starts with one of these: checking it first makes a failed attempt at a
# digit or another letter cheap.
_FIRST_LETTERS = "".join(sorted({c for name in MONTHS for c in (name[0], name[0].upper())}))


def _month(group: str) -> str:
    # A month is a whole word: not "Marching", not "Mayor", not the end of "dismay".
    return rf"(?<![^\W\d_])(?P<{group}>(?i:{_MONTH_TRIE}))(?![^\W\d_])"


_YEAR = r"[12][0-9]{3}(?![0-9])"
_SP = r"[^\S\n]{1,3}"  # a short run of blanks: NBSP counts, newlines never occur in a line
_DAY = r"[0-3]?[0-9]"
_DATE_RE = re.compile(
    rf"(?=[0-9{_FIRST_LETTERS}])(?:"
    + "|".join(
        (
            r"(?P<iso>(?<![0-9])[12][0-9]{3}-[01][0-9]-[0-3][0-9](?![0-9]))",
            # 22 November 2021, 1st of May, 22 de noviembre de 2021
            rf"(?<![0-9])(?P<d1>{_DAY})(?:st|nd|rd|th|er)?{_SP}(?:(?:de|of){_SP})?{_month('m1')}"
            rf"(?:,?{_SP}(?:de{_SP})?(?P<y1>{_YEAR}))?",
            # November 22, 2021 / Nov. 13 / November 2021 / November: one month alternative,
            # so the month name is read once per position.
            # A full name may carry a stray full stop when a day or year follows ("May. 5").
            rf"{_month('m2')}(?:\.?{_SP}(?P<d2>{_DAY})(?:st|nd|rd|th)?(?![0-9])"
            rf"(?:,?{_SP}(?P<y2>{_YEAR}))?|\.?,?{_SP}(?:de{_SP})?(?P<y3>{_YEAR}))?",
            r"(?<![0-9])(?P<decade>[12][0-9]{2}0)['’]?s(?![^\W\d_])",
            r"(?<![0-9.,/-])(?P<year>1[5-9][0-9]{2}|2[01][0-9]{2})(?![0-9])",
        )
    )
    + ")"
)

# Words before a date that make it approximate; they are part of the date as written.
_QUALIFIER_RE = re.compile(
    r"(?i:(?<![^\W\d_])(?:(?:early|mid|late)[^\S\n]+in|early|mid|late|around|about|circa|"
    r"approximately|approx\.|c\.|ca\.|"
    r"towards[^\S\n]+the[^\S\n]+end[^\S\n]+of|(?:the[^\S\n]+)?(?:end|beginning|start|middle)"
    r"[^\S\n]+of(?:[^\S\n]+the)?|début|fin|mi|principios[^\S\n]+de|finales[^\S\n]+de|"
    r"mediados[^\S\n]+de))[^\S\n-]{0,2}-?[^\S\n]{0,2}$"
)
# Words before a date that anchor a bare year or month in prose ("in 2019", "since March").
_PREPOSITION_RE = re.compile(
    r"(?i:(?<![^\W\d_])(?:in|on|since|by|during|from|until|till|before|after|as[^\S\n]+of|"
    r"en|depuis|desde|el|le)[^\S\n]{1,3}(?:the[^\S\n]{1,3})?)$"
)
_LOOKBACK = 40


@dataclass(frozen=True)
class DateMatch:
    """A date found in a line. ``year`` is None when the text gives none ("10 March")."""

    start: int
    end: int
    as_written: str
    precision: Precision
    year: int | None
    month: int = 1
    day: int = 1
    approximate: bool = False
    anchored: bool = False  # preceded by a preposition or qualifier ("in 2019", "mid-May")
    needs_context: bool = False  # bare year or bare month: a date only in the right place

    @property
    def has_year(self) -> bool:
        return self.year is not None

    def to_partial(self, year: int | None = None) -> PartialDate:
        """The PartialDate, using ``year`` when the text gave none. Raises ValueError."""
        y = self.year if self.year is not None else year
        if y is None:
            raise ValueError(f"{self.as_written!r} has no year")
        value = dt.date(y, self.month, self.day)
        return PartialDate(value, self.precision, self.approximate, self.as_written)

    def is_real(self) -> bool:
        """False for "31 February 2022"; a date without a year is checked against 2000."""
        try:
            dt.date(self.year or 2000, self.month, self.day)
        except ValueError:
            return False
        return True


def _month_number(token: str) -> int:
    return MONTHS[token.rstrip(".").casefold()]


def _lowercase_english(token: str) -> bool:
    # "may", "mar" in lowercase are usually words, not months; only trust them with a year.
    word = token.rstrip(".")
    return word.islower() and word.casefold() in {**_ENGLISH, **_ENGLISH_SHORT}


def _fields(m: re.Match[str]) -> tuple[Precision, int | None, int, int, str | None] | None:
    """(precision, year, month, day, month token) for a raw match, or None to skip it."""
    g = m.groupdict()
    if g["iso"]:
        y, mo, d = (int(p) for p in g["iso"].split("-"))
        return Precision.DAY, y, mo, d, None
    if g["m1"]:
        return Precision.DAY, _int(g["y1"]), _month_number(g["m1"]), int(g["d1"]), g["m1"]
    if g["d2"]:
        return Precision.DAY, _int(g["y2"]), _month_number(g["m2"]), int(g["d2"]), g["m2"]
    if g["m2"]:
        return Precision.MONTH, _int(g["y3"]), _month_number(g["m2"]), 1, g["m2"]
    if g["decade"]:
        return Precision.DECADE, int(g["decade"]), 1, 1, None
    return Precision.YEAR, int(g["year"]), 1, 1, None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


# The last word of every qualifier or preposition above: only when the word before a
# date is one of these are the (slower) look-back patterns tried.
_CONTEXT_WORDS = frozenset(
    "early mid late around about circa approximately approx. c. ca. of the début fin mi de in "
    "on since by during from until till before after en depuis desde el le".split()
)


def _after_context_word(line: str, start: int) -> bool:
    words = line[max(0, start - _LOOKBACK) : start].replace("-", " ").split()
    return bool(words) and words[-1].casefold() in _CONTEXT_WORDS


def _context(line: str, start: int) -> tuple[int, bool, bool]:
    """(start including any qualifier, approximate, anchored) for a match at ``start``."""
    if not _after_context_word(line, start):
        return start, False, False
    before = line[max(0, start - _LOOKBACK) : start]
    q = _QUALIFIER_RE.search(before)
    if q:
        return start - (len(before) - q.start()), True, True
    return start, False, bool(_PREPOSITION_RE.search(before))


def _build(line: str, m: re.Match[str]) -> DateMatch | None:
    fields = _fields(m)
    if fields is None:
        return None
    precision, year, month, day, token = fields
    if token and year is None and _lowercase_english(token):
        return None
    needs_context = precision == Precision.YEAR or (precision == Precision.MONTH and year is None)
    start, approximate, anchored = _context(line, m.start())
    approximate = approximate or precision == Precision.DECADE
    return DateMatch(
        start=start,
        end=m.end(),
        as_written=line[start : m.end()],
        precision=precision,
        year=year,
        month=month,
        day=day,
        approximate=approximate,
        anchored=anchored,
        needs_context=needs_context,
    )


def iter_dates(
    line: str, pos: int = 0, endpos: int | None = None, *, bare: bool = True
) -> Iterator[DateMatch]:
    """Every date-shaped match in ``line[pos:endpos]``, left to right (not yet validated).

    ``bare=False`` skips a bare year or month with no qualifier or preposition before it
    ("Act 1967", "May" in running text) without building it: prose has no use for them.
    """
    end = len(line) if endpos is None else endpos
    for m in _DATE_RE.finditer(line, pos, end):
        bare_match = m.lastgroup in ("year", "m2")  # no day, no year: "1967", "May"
        if not bare and bare_match and not _after_context_word(line, m.start()):
            continue
        found = _build(line, m)
        if found is not None:
            yield found


def parse_one(text: str) -> DateMatch | None:
    """The first complete date in ``text`` (used for "until 21 January 2022")."""
    for found in iter_dates(text):
        if found.has_year and not found.needs_context and found.is_real():
            return found
    return None
