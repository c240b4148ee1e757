"""Partial dates: a value, a precision and the text as written.

Pure Python (no Django import) so the chronology parser can use it too.

59 % of the dated facts in the seed documents lack a full date ("In September 2016",
"early 1980", "Nov. 13"). A partial date is stored as the *first day* of the period it
names plus a precision; arithmetic uses the whole period, so "detained since September
2016" gives a day range rather than a false exact number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass, field


class Precision(enum.IntEnum):
    """Ordered from most to least precise; the integer is what the database stores."""

    DAY = 1
    MONTH = 2
    YEAR = 3
    DECADE = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str | int | Precision) -> Precision:
        if isinstance(label, int):
            return cls(label)
        try:
            return cls[str(label).strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown precision {label!r}; expected one of day, month, year, decade"
            ) from None


_ISO_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<approx>[~?%])?$")
_DECADE_RE = re.compile(r"^(?P<y>\d{3})X(?P<approx>[~?%])?$")


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date known to a given precision. ``value`` is the first day of the period."""

    value: dt.date
    precision: Precision = Precision.DAY
    approximate: bool = False
    as_written: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        precision = Precision.from_label(self.precision)
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "value", _floor(self.value, precision))

    # -- construction -------------------------------------------------------------------
    @classmethod
    def day(cls, year: int, month: int, day: int, **kw) -> PartialDate:
        return cls(dt.date(year, month, day), Precision.DAY, **kw)

    @classmethod
    def month(cls, year: int, month: int, **kw) -> PartialDate:
        return cls(dt.date(year, month, 1), Precision.MONTH, **kw)

    @classmethod
    def year(cls, year: int, **kw) -> PartialDate:
        return cls(dt.date(year, 1, 1), Precision.YEAR, **kw)

    @classmethod
    def decade(cls, year: int, **kw) -> PartialDate:
        return cls(dt.date(year - year % 10, 1, 1), Precision.DECADE, **kw)

    @classmethod
    def parse(cls, text: str, precision: str | None = None, as_written: str = "") -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or EDTF (``2021-09~``, ``198X``).

        When ``precision`` is given it must agree with the string's shape. Raises
        ``ValueError`` with a message fit for a caseworker or an API client.
        """
        text = (text or "").strip()
        m = _ISO_RE.match(text)
        if m:
            y, mo, d = int(m["y"]), m["m"], m["d"]
            try:
                value = dt.date(y, int(mo or 1), int(d or 1))
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a real date: {exc}") from None
            found = Precision.DAY if d else Precision.MONTH if mo else Precision.YEAR
        else:
            m = _DECADE_RE.match(text)
            if not m:
                raise ValueError(
                    f"{text!r} is not a date; use YYYY, YYYY-MM, YYYY-MM-DD or EDTF such as 198X"
                )
            value, found = dt.date(int(m["y"]) * 10, 1, 1), Precision.DECADE
        if precision is not None:
            wanted = Precision.from_label(precision)
            if wanted != found and not (wanted == Precision.DECADE and found == Precision.YEAR):
                raise ValueError(
                    f"{text!r} has {found.label} precision but precision {wanted.label!r} was given"
                )
            found = wanted
        approx = bool(m["approx"]) if m and m.groupdict().get("approx") else False
        return cls(value, found, approx, as_written or text)

    # -- bounds and formats ---------------------------------------------------------------
    @property
    def earliest(self) -> dt.date:
        return self.value

    @property
    def latest(self) -> dt.date:
        v = self.value
        if self.precision == Precision.DAY:
            return v
        if self.precision == Precision.MONTH:
            return v.replace(day=calendar.monthrange(v.year, v.month)[1])
        if self.precision == Precision.YEAR:
            return v.replace(month=12, day=31)
        return dt.date(v.year + 9, 12, 31)

    @property
    def is_exact(self) -> bool:
        return self.precision == Precision.DAY and not self.approximate

    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` matching the precision (decade: ``YYYY``)."""
        return iso_text(self.value, self.precision)

    def edtf(self) -> str:
        return edtf_text(self.value, self.precision, self.approximate)

    def sort_key(self) -> tuple[dt.date, int]:
        """Earliest day first; at the same start the more precise date comes first."""
        return (self.value, int(self.precision))

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        v = self.value
        approx = "c. " if self.approximate else ""
        if self.precision == Precision.DAY:
            text = f"{v.day} {calendar.month_name[v.month]} {v.year}"
        elif self.precision == Precision.MONTH:
            text = f"{calendar.month_name[v.month]} {v.year}"
        elif self.precision == Precision.YEAR:
            text = str(v.year)
        else:
            text = f"{v.year}s"
        return approx + text


def iso_text(value: dt.date, precision: int) -> str:
    """``PartialDate.iso()`` from the stored columns, without building a PartialDate (the
    API writes thousands per page)."""
    if precision == Precision.DAY:
        return value.isoformat()
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    return f"{value.year - value.year % 10:04d}"


def edtf_text(value: dt.date, precision: int, approximate: bool) -> str:
    base = (
        f"{value.year // 10:03d}X" if precision == Precision.DECADE else iso_text(value, precision)
    )
    return base + ("~" if approximate else "")


def _floor(value: dt.date, precision: Precision) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if precision == Precision.DAY:
        return value
    if precision == Precision.MONTH:
        return value.replace(day=1)
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    return dt.date(value.year - value.year % 10, 1, 1)


@dataclass(frozen=True)
class DayRange:
    """A number of days that may be known only as a range (imprecise start)."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def __str__(self) -> str:
        if self.exact:
            return f"{self.low:,} day" + ("" if self.low == 1 else "s")
        return f"≈ {self.low:,}–{self.high:,} days"


def days_between(start: PartialDate, end: dt.date | PartialDate) -> DayRange:
    """Days elapsed from ``start`` to ``end``, as a range when either is imprecise.

    Convention: the day of arrest is day 0, so day N falls N days after it (arrest on
    22 November 2021 → day 150 on 21 April 2022). Never negative.
    """
    end_lo = end.earliest if isinstance(end, PartialDate) else end
    end_hi = end.latest if isinstance(end, PartialDate) else end
    low = max(0, (end_lo - start.latest).days)
    high = max(0, (end_hi - start.earliest).days)
    return DayRange(low, high)


def anniversary(start: dt.date, year: int) -> dt.date:
    """The anniversary of ``start`` in ``year``; 29 February → 28 February in common years."""
    if start.month == 2 and start.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return start.replace(year=year)
