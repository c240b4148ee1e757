"""Court hearings and custody records derived from the entries.

Hearings are written for entries whose type is a court event (see
``classify.HEARING_TYPES``). Custody extensions carry the number of days and the date
custody runs to: the stated date when the text gives one ("until 21 January 2022"),
otherwise entry date + days. When both are known and disagree an ``arithmetic`` warning
is raised; the stated date is kept.

Detention records come from entries that change custody: an arrest (police custody, or
administrative when the block names a Public Safety Act), a transfer to a named facility
(prison), house arrest, unknown whereabouts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from casetracker.partialdate import PartialDate, Precision

from .classify import CUSTODY_CONTEXT, HEARING_TYPES, NO_CUSTODY_TYPES
from .dates import parse_one
from .model import Detention, Entry, Hearing, ParseWarning

_I = re.IGNORECASE
_EXTENSION_RE = re.compile(
    r"\b(?:custody|detention|remand)(?:\s++\w++){0,2}?\s++(?:(?:was|were|has\s++been|had\s++been)"
    r"\s++)?(?:further\s++)?(?:extended|prolonged|renewed)\b|\b(?:extended|prolonged|renewed)"
    r"\s++(?:[\w’']++[\s-]++){0,3}?(?:custody|detention|remand)\b",
    _I,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
    "ninety": 90,
}  # fmt: skip
_DURATION_RE = re.compile(
    r"\b(?:for|by)\s++(?:(?:another|a\s++further|a\s++period\s++of|an?\s++(?:additional|"
    r"further)|further)\s++)?(?P<n>[0-9]{1,4}|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s++(?:more\s++|additional\s++|further\s++)?(?P<unit>days?|weeks?|months?)\b",
    _I,
)
_UNTIL_RE = re.compile(r"\b(?:until|till|up\s++to|to)\s++", _I)
_KIND_RULES = (
    ("bail", re.compile(r"\bbail\b", _I)),
    ("verdict", re.compile(r"\b(?:verdict|convicted|acquitted|sentenced|found\s++guilty)\b", _I)),
    ("appeal", re.compile(r"\bappeal", _I)),
    ("remand", re.compile(r"\bremand(?:ed)?\b|\bproduced\s++(?:at|before|in)\b", _I)),
    ("trial_session", re.compile(r"\b(?:hearings?|trials?|session)\b", _I)),
)
_CAP = r"[A-Z][\w’'.-]*+"  # a capitalised word
_B = r"[^\S\n]"
# Up to 8 capitalised words (or "(NIA)") before "Court", then "of X" and "in Place". The
# look-behind makes names start at a word start: "AAAA..." must not be retried at every A.
_COURT_RE = re.compile(
    rf"(?<![\w’'.(-])(?P<name>(?:(?:{_CAP}|\([A-Z]{{2,}}\)){_B}++){{0,8}}"
    rf"(?:Court|court|Tribunal|tribunal)s?)\b"
    rf"(?P<of>{_B}++of{_B}++(?:the{_B}++)?{_CAP}(?:{_B}++{_CAP}){{0,3}})?"
    rf"(?P<place>,?{_B}++(?:in|at){_B}++{_CAP}(?:{_B}++{_CAP}){{0,2}})?"
)
_DETERMINERS = frozenset("the a an this that his her their its judge".split())
_ACRONYM_RE = re.compile(r"\(([A-Z]{2,})\)")


# -- hearings -----------------------------------------------------------------------------
def hearing_for(entry: Entry) -> tuple[Hearing | None, ParseWarning | None]:
    """The court record an entry implies, and an ``arithmetic`` warning if its custody
    extension does not add up."""
    if entry.type not in HEARING_TYPES:
        return None, None
    kind = _kind(entry)
    days, until, warning = _extension(entry) if kind == "custody_extension" else (None, None, None)
    hearing = Hearing(entry.line, entry.date, kind, court_name(entry.text), days, until, entry.text)
    return hearing, warning


def _kind(entry: Entry) -> str:
    if entry.type == "custody_extension" or _EXTENSION_RE.search(entry.text):
        return "custody_extension"
    if entry.type in {"verdict", "sentence"}:
        return "verdict"
    for kind, pattern in _KIND_RULES:
        if pattern.search(entry.text):
            return kind
    return "other"


def _extension(entry: Entry) -> tuple[int | None, PartialDate | None, ParseWarning | None]:
    """(days, date custody runs to: stated if given else computed, arithmetic warning)."""
    start = _EXTENSION_RE.search(entry.text)
    tail = entry.text[start.start() if start else 0 :]
    days, computed = _duration(tail, entry.date)
    stated = _stated_until(tail)
    warning = None
    if stated and computed and stated.precision == Precision.DAY and stated != computed:
        warning = _arithmetic_warning(entry, days, computed, stated)
    return days, (stated or computed), warning


def _duration(text: str, start: PartialDate) -> tuple[int | None, PartialDate | None]:
    m = _DURATION_RE.search(text)
    if not m:
        return None, None
    n = int(m["n"]) if m["n"].isdigit() else _NUMBER_WORDS[m["n"].casefold()]
    unit = m["unit"].casefold().rstrip("s")
    if start.precision != Precision.DAY:
        return (n * 7 if unit == "week" else n if unit == "day" else None), None
    end = _add(start.value, n, unit)
    return (end - start.value).days, PartialDate(end, Precision.DAY)


def _add(start: dt.date, n: int, unit: str) -> dt.date:
    if unit == "month":
        month0 = start.month - 1 + n
        year, month = start.year + month0 // 12, month0 % 12 + 1
        return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    return start + dt.timedelta(days=n * 7 if unit == "week" else n)


def _stated_until(text: str) -> PartialDate | None:
    for m in _UNTIL_RE.finditer(text):
        found = parse_one(text[m.end() : m.end() + 40])
        if found is not None and found.start == 0:
            return found.to_partial()
    return None


def _arithmetic_warning(
    entry: Entry, days: int | None, computed: PartialDate, stated: PartialDate
) -> ParseWarning:
    message = (
        f"{entry.date} + {days} days = {computed}, but the text says until {stated}; "
        "check which of the two is right"
    )
    return ParseWarning(entry.line, "arithmetic", message, stated.as_written, computed.iso())


def court_name(text: str) -> str | None:
    """The first named court in ``text``: "NIA Special Court in New Delhi", None for "the court"."""
    for m in _COURT_RE.finditer(text):
        words = m["name"].split()
        while words and words[0].casefold() in _DETERMINERS:
            words = words[1:]
        if len(words) > 1 or m["of"]:
            name = " ".join(words) + (m["of"] or "") + (m["place"] or "").replace(",", "")
            return _collapse_acronyms(" ".join(name.split()))
    return None


def _collapse_acronyms(name: str) -> str:
    # "National Investigation Agency (NIA) Special Court" -> "NIA Special Court", so the
    # same court is spelled the same way in every hearing.
    for m in reversed(list(_ACRONYM_RE.finditer(name))):
        acronym = m.group(1)
        words = name[: m.start()].split()
        spelled = [w for w in words[-len(acronym) :] if w[:1].isupper()]
        if len(spelled) == len(acronym) and "".join(w[0] for w in spelled) == acronym:
            head = " ".join(words[: -len(acronym)])
            name = f"{head} {acronym}{name[m.end() :]}".strip()
    return name


# -- detentions ---------------------------------------------------------------------------
_FACILITY_RE = re.compile(
    r"\b(?:transferred|moved|taken|sent|shifted|held|detained|imprisoned|incarcerated|"
    r"confined|placed)\s++(?:\w++\s++){0,2}?(?:to|in|at|into)\s++(?:the\s++)?"
    r"(?P<name>(?:[A-Z][\w’'-]*+\s++){1,4})(?P<desc>(?:[a-z][\w-]*+\s++){0,3})"
    r"(?P<head>(?i:prison|jail|penitentiary|detention\s++cent(?:er|re)|correctional\s++facility|"
    r"penal\s++colony|colony|gaol|camp))\b"
    r"(?:(?:\s*+,)?\s++(?:in|at|near)\s++(?P<place>[A-Z][\w’'-]*+(?:\s++[A-Z][\w’'-]*+){0,2}))?"
)
_PLACE_RE = re.compile(
    r"\b(?:transferred|moved|taken|sent|shifted|flown|relocated)\s++to\s++"
    r"(?P<place>[A-Z][\w’'-]*+(?:\s++[A-Z][\w’'-]*+){0,2})"
)
_START_RE = re.compile(
    r"\b(?:arrested|re-?arrested|arrest\s++memo|taken\s++into\s++custody|detained|apprehended|"
    r"abducted)\b",
    _I,
)
_HOUSE_ARREST_RE = re.compile(r"\bhouse\s++arrest\b", _I)
_UNKNOWN_RE = re.compile(
    r"\bwhereabouts\b(?:\s++\w++){0,3}?\s++unknown|\bincommunicado\b|"
    r"\b(?:forcibly\s++)?disappeared\b",
    _I,
)
_ADMINISTRATIVE_RE = re.compile(
    r"\bPublic\s++Safety\s++Act\b|\bPSA\b|\bNational\s++Security\s++Act\b|"
    r"\b(?i:administrative|preventive)\s++(?i:detention)\b"
)
_POLICE_RE = re.compile(
    r"(?i:police\s++custody|custody\s++of\s++the\s++police)|\b[A-Z]{2,}[’']s\s++custody\b"
)
_SENTENCED_RE = re.compile(
    r"\b(?:sentenced|convicted|serving\s++(?:a|his|her|their)\s++sentence)\b", _I
)
_PRE_TRIAL_RE = re.compile(r"\bjudicial\s++custody\b|\bpre-?trial\b|\bremand", _I)


@dataclass(frozen=True)
class CustodyRecord:
    """A detention record plus whether it starts custody (an arrest) or moves it."""

    detention: Detention
    starts_custody: bool


def detention_for(entry: Entry, block: str) -> CustodyRecord | None:
    """The custody record an entry implies; ``block`` is the entry with its continuation."""
    if entry.type in NO_CUSTODY_TYPES:
        return None
    facility = _FACILITY_RE.search(entry.text)
    if facility:
        # "Prison" is the sentenced type; a transfer before any sentence is pre-trial
        # ("ordered that he be transferred to the Tihar ... prison" during remand).
        kind = "prison" if _SENTENCED_RE.search(block) else "pre_trial"
        return _record(entry, kind, _facility_name(facility), facility["place"], False)
    if _HOUSE_ARREST_RE.search(entry.text):
        return _record(entry, "house_arrest", None, None, True)
    if _UNKNOWN_RE.search(entry.text):
        return _record(entry, "unknown_whereabouts", None, None, True)
    place = _PLACE_RE.search(entry.text) if CUSTODY_CONTEXT.search(entry.text) else None
    start = _START_RE.search(block)
    if not (place or start):
        return None
    kind = _custody_type(block, start)
    return _record(entry, kind, None, place["place"] if place else None, place is None)


def _custody_type(block: str, start: re.Match[str] | None) -> str:
    if _ADMINISTRATIVE_RE.search(block):
        return "administrative"
    if _POLICE_RE.search(block):
        return "police_custody"
    if _PRE_TRIAL_RE.search(block):
        return "pre_trial"
    arrest = start is not None and "arrest" in start.group(0).casefold()
    return "police_custody" if arrest else "pre_trial"


def _facility_name(m: re.Match[str]) -> str:
    name = " ".join(m["name"].split())
    head = m["head"]
    return f"{name} {' '.join(head.split())}" if head[0].isupper() else name


def _record(
    entry: Entry, kind: str, facility: str | None, place: str | None, starts: bool
) -> CustodyRecord:
    detention = Detention(entry.line, entry.date, kind, facility, place, entry.text)
    return CustodyRecord(detention, starts)
