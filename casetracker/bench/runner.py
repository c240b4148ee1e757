"""Times operations and their references; prints the table; writes the JSON."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

import orjson
from django.db import connection

from casetracker.bench.operations import Op


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(op: Op, repeat: int) -> dict:
    """Median/p95 of ``repeat`` timed runs; the query count of one run.

    Requests get a warm-up run and a separate counted run. Jobs (``op.heavy``) take
    minutes at full scale: no warm-up, and the first timed run is also the counted one
    (the counting wrapper costs nanoseconds per query).
    """
    times, queries, rows, payload = [], None, 0, None
    if not op.heavy:
        if op.setup:
            op.setup()
        op.run()  # warm-up (caches, prepared plans); not counted
    for n in range(repeat if op.heavy else repeat + 1):
        if op.setup:
            op.setup()
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):  # counts without storing (no 9,000 cap)
            started = time.perf_counter()
            rows, payload = op.run()
            elapsed = (time.perf_counter() - started) * 1000
        if queries is None:
            queries = counter.count
        if op.heavy or n > 0:  # for requests the counted run is not timed
            times.append(elapsed)
    reference = op.reference(payload)
    ref_times = [_timed(reference) for _ in range(max(repeat, 3))] if reference else []
    median = statistics.median(times)
    ref_median = statistics.median(ref_times) if ref_times else None
    return {
        "operation": op.name,
        "rows": rows,
        "repeat": repeat,
        "median_ms": round(median, 2),
        "p95_ms": round(p95(times), 2),
        "min_ms": round(min(times), 2),
        "reference_ms": round(ref_median, 2) if ref_median is not None else None,
        "ratio": round(median / ref_median, 2) if ref_median else None,
        "queries": queries,
        "note": op.note,
    }


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (None, None, None)
    mem = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    with connection.cursor() as cursor:
        version = connection.vendor
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return {
        "cpus": os.cpu_count(),
        "memory_gib": mem,
        "python": platform.python_version(),
        "database": version,
        "load_average_at_start": [round(x, 2) for x in load if x is not None],
    }


def table(results: list[dict]) -> str:
    head = ("operation", "rows", "median ms", "p95 ms", "ref ms", "ratio", "queries")
    lines = [head]
    for r in results:
        ref = "-" if r["reference_ms"] is None else f"{r['reference_ms']:.2f}"
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            (
                r["operation"],
                str(r["rows"]),
                f"{r['median_ms']:.2f}",
                f"{r['p95_ms']:.2f}",
                ref,
                ratio,
                str(r["queries"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
        ]
        out.append("| " + " | ".join(cells) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**document, "finished_at": dt.datetime.now(dt.UTC).isoformat()}
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
