"""Throughput of the chronology parser on a large synthetic chronology.

    python seeds/bench_chronology.py [--entries N] [--repeat R] [--seed S]

Generates N dated items in mixed styles (list lines with ":" or a dash, ISO dates, US
dates, abbreviated months, approximate years, prose sentences, dates without a year,
charge paragraphs with quoted descriptions), parses the text and prints entries/s.
Not a test; needs no Django settings and no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from seeds.chronology import parse

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
EVENTS = [
    "Officials conducted raids on his house and office.",
    "He was arrested by the police.",
    "Judicial custody extended for 30 days.",
    "Appeared before the NIA Special Court in New Delhi.",
    "UN experts expressed concern over his detention.",
    "He was transferred to the Tihar maximum security prison, in New Delhi.",
    "The court granted him bail.",
    "The NIA filed a charge sheet against him.",
    "12 NGOs issued a statement calling for his release.",
]
CHARGES = (
    "According to the arrest memo, he faces charges of “criminal conspiracy” and “waging war” "
    "(Sections 120B and 121 of the Indian Penal Code, respectively)."
)


def _styles(day: dt.date, event: str) -> list[str]:
    month = MONTHS[day.month - 1]
    return [
        f"{day.day} {month} {day.year}: {event}",
        f"{month} {day.day}, {day.year} - {event}",
        f"{month[:3]}. {day.day}, {day.year}: {event}",
        f"{day.isoformat()}: {event}",
        f"On {day.day} {month} {day.year}, {event[0].lower()}{event[1:]}",
        f"In {month} {day.year}, {event[0].lower()}{event[1:]}",
        f"Early {day.year}: {event}",
        f"{day.day} {month}: {event}",  # no year: taken from the previous entry
    ]


def synthetic_chronology(entries: int, seed: int = 2021) -> str:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    day = dt.date(1990, 1, 1)
    lines = ["Chronology of harassment against a human rights defender", ""]
    for _ in range(entries):
        day += dt.timedelta(days=rng.randint(1, 3))
        lines += [rng.choice(_styles(day, rng.choice(EVENTS))), ""]
        if rng.random() < 0.05:
            lines += [CHARGES, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--entries", type=int, default=20_000)
    options.add_argument("--repeat", type=int, default=3, help="best of R runs")
    options.add_argument("--seed", type=int, default=2021)
    args = options.parse_args(argv)

    text = synthetic_chronology(args.entries, args.seed)
    timings = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        result = parse(text)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    print(f"text: {len(text):,} characters, {text.count(chr(10)) + 1:,} lines")
    print(
        f"parsed: {len(result.entries):,} entries, {len(result.charges):,} charges, "
        f"{len(result.hearings):,} hearings, {len(result.detentions):,} detentions, "
        f"{len(result.warnings):,} warnings"
    )
    print(f"best of {len(timings)}: {best:.3f} s")
    print(f"{len(result.entries) / best:,.0f} entries/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
