"""Throughput of the full chronology import (parse + write) into a case.

    python seeds/bench_import.py [--entries N] [--seed S]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_x python seeds/bench_import.py

Generates the same synthetic chronology as ``bench_chronology.py``, creates a throwaway
organisation and case in the configured database (migrating it first), imports the text
with ``chronology_import``, imports it again (the idempotent pass: everything unchanged),
prints entries/s for both, and deletes what it created. Not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--entries", type=int, default=5_000)
    options.add_argument("--seed", type=int, default=2021)
    args = options.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Facility
    from people.models import Organisation
    from seeds.bench_chronology import synthetic_chronology
    from seeds.chronology_loader import chronology_case_create, chronology_import

    call_command("migrate", verbosity=0)
    text = synthetic_chronology(args.entries, args.seed)
    owner = Organisation.objects.create(name=f"Bench organisation {time.time_ns()}")
    case = chronology_case_create(person_name="Bench Person", country="IN", owner=owner)
    facilities = set(Facility.objects.values_list("pk", flat=True))
    try:
        print(f"database: {connection.vendor}; text: {len(text):,} characters")
        for label in ("first import", "re-import"):
            started, cpu = time.perf_counter(), time.process_time()
            report = chronology_import(case=case, text=text)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            entries = len(report.result.entries)
            rows = sum(report.counts.values())
            print(
                f"{label}: {entries:,} entries, {rows:,} rows "
                f"(created {report.total('created'):,}, unchanged {report.total('unchanged'):,})"
                f" in {seconds:.1f} s = {entries / seconds:,.0f} entries/s"
                f" (this process's CPU: {cpu:.1f} s = {entries / cpu:,.0f} entries/s;"
                f" load average {os.getloadavg()[0]:.1f})"
            )
    finally:
        person = case.person
        case.delete()
        person.delete()
        owner.delete()
        Facility.objects.exclude(pk__in=facilities).delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
