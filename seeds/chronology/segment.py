"""Cutting the text into lines, list-entry heads and prose sentences.

A *list entry* is a line led by a date and then ":" or a dash ("22 November 2021: ...",
"July 11, 2021 - ...", "Early 1980: ...", "On 10 June 2025: ..."), or a line that is only a
date (a heading; its text is the next line). Every other line is *prose*.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from .dates import MONTH_NAMES, MONTHS, DateMatch, iter_dates

# Line breaks are "\n", "\r\n" and "\r" only (not U+2028 and friends), so line numbers
# agree with what a caseworker's editor shows.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Possessive quantifiers (``*+``, ``++``) and look-behinds keep every pattern linear: a 1 MB
# run of blanks or dots must not make the engine retry each split of the run.
_HEAD_PREFIX = re.compile(
    r"[^\S\n]*+(?:[-*•·▪◦‣]++[^\S\n]++)?"
    r"(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[^\S\n]++)?"
    r"(?i:(?:on|in|since|by|from|during|as[^\S\n]++of|until)[^\S\n]++)?(?i:the[^\S\n]++)?"
)
_SEPARATOR = re.compile(r"[^\S\n]*+(?:(?P<colon>[:：])|(?P<dash>[-–—])(?![0-9]))[^\S\n]*+")
_HEAD_WINDOW = 80


def split_lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


@dataclass(frozen=True)
class Head:
    """A list-entry head: the date and where the entry's own text starts."""

    date: DateMatch
    text_start: int

    @property
    def heading_only(self) -> bool:
        return self.text_start < 0


def read_head(line: str) -> Head | None:
    """The date leading ``line`` when it is followed by ":" / a dash, or ends the line."""
    pos = _HEAD_PREFIX.match(line).end()
    first = next(iter_dates(line, pos, min(len(line), pos + _HEAD_WINDOW)), None)
    if first is None or first.start != pos:
        return None
    sep = _SEPARATOR.match(line, first.end)
    rest = line[sep.end() if sep else first.end :]
    if not rest.strip():
        # A date alone on a line heads the next line; a bare year alone is more often a
        # postcode or a page number, so it needs a month at least.
        return None if first.needs_context else Head(first, -1)
    if sep and (sep["colon"] or sep["dash"]):
        return Head(first, sep.end())
    return None


# -- sentences ----------------------------------------------------------------------------
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"”’)\]]*+[^\S\n]++")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no nos art arts sec secs para vs etc jan feb mar apr jun jul aug sep "
    "sept oct nov dec u.s u.n e.g i.e gen col lt sgt prof rev hon jr sr".split()
)
_LAST_WORD = re.compile(r"[\w.]{1,12}$")


def sentences(line: str, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in ``line[start:]``."""
    spans: list[tuple[int, int]] = []
    begin = start
    for m in _BOUNDARY.finditer(line, start):
        nxt = line[m.end() : m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in '“"('):
            continue
        if _is_abbreviation(line, m.start()):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    if begin < len(line):
        spans.append((begin, len(line)))
    return spans


def _is_abbreviation(line: str, dot: int) -> bool:
    # "Mr. Parvez", "Nov. 13", "J. Smith": a full stop after these does not end a sentence.
    w = _LAST_WORD.search(line, max(0, dot - 12), dot)
    if not w:
        return False
    word = w.group(0).casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


_LEADING = re.compile(
    r"[\s\"“(*•·▪◦‣-]*+"
    r"(?i:(?:on|in|since|by|from|during|as\s++of|until|after|before)\s++(?:the\s++)?)?$"
)


def leads(line: str, sentence_start: int, date_start: int) -> bool:
    """True when only a preposition stands between the sentence start and the date."""
    return date_start - sentence_start <= 40 and bool(
        _LEADING.match(line, sentence_start, date_start)
    )


# -- lines that look like entries but are not readable -----------------------------------
_HEADISH = re.compile(
    r"[^\S\n]*+(?:[-*•·▪◦‣]++[^\S\n]++)?(?P<head>[^:：–—\n]{1,40}?)[^\S\n]{0,3}(?:[:：]|[-–—](?=\s))"
)
_TOKEN_SPLIT = re.compile(r"[\s,./\-]+")
_ORDINAL = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th|er)")


def unreadable_head(line: str) -> str | None:
    """The head of a line that looks like a dated entry ("32 November 2021:", "Septmber
    2021 -", "13/05/2022:") but held no readable date; None for ordinary lines."""
    m = _HEADISH.match(line)
    if not m:
        return None
    tokens = [t for t in _TOKEN_SPLIT.split(m["head"]) if t]
    digits = [t for t in tokens if t.isascii() and t.isdigit()]
    # Cheap tests first: the month-likeness test (difflib) runs only on short heads with
    # a number in them.
    if not digits or not 1 <= len(tokens) <= 4 or not all(map(_dateish, tokens)):
        return None
    strong = any(len(t) >= 3 for t in digits) or any(map(_month_like, tokens))
    if strong and (tokens[0][0].isdigit() or _month_like(tokens[0])):
        return m["head"].strip()
    return None


def _dateish(token: str) -> bool:
    ascii_digits = token.isascii() and token.isdigit()
    return (
        (ascii_digits and len(token) <= 4) or bool(_ORDINAL.fullmatch(token)) or _month_like(token)
    )


def _month_like(token: str) -> bool:
    word = token.casefold()
    if not word.isalpha() or len(word) < 3:
        return False
    if word in MONTHS:
        return True
    return bool(difflib.get_close_matches(word, MONTH_NAMES, n=1, cutoff=0.75))


def numeric_reading(head: str) -> str | None:
    """The one sensible ISO reading of "13/05/2022"-style heads, when the order is clear."""
    parts = [p for p in _TOKEN_SPLIT.split(head) if p]
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    a, b, year = (int(p) for p in parts)
    if len(parts[2]) != 4 or not 1000 <= year <= 2999:
        return None
    if a > 12 >= b:
        return _iso_or_none(year, b, a)
    if b > 12 >= a:
        return _iso_or_none(year, a, b)
    return None  # both readings possible (or neither): do not guess


def _iso_or_none(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
