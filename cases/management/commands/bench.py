"""``manage.py bench``: time partner API, admin and job operations against scale data.

    make bench                       # PostgreSQL, 100,000 cases (generated if absent)
    python manage.py bench --repeat 20 --heavy-repeat 3 --out var/bench-results.json

Prints one table (operation, rows, median and p95 ms, physical-limit reference ms, ratio,
query count) and writes the same as JSON. Needs ``generate_scale_data`` to have run.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from casetracker.api.throttling import PartnerTokenRateThrottle, StaffRateThrottle
from casetracker.audit import system_actor
from casetracker.bench import actors as A
from casetracker.bench import operations as ops
from casetracker.bench.explain import search_plans
from casetracker.bench.runner import machine, measure, table, write_json
from casetracker.runtime import freeze_startup_heap


class Command(BaseCommand):
    help = "Benchmark the partner API, the admin and the reminder jobs (see docs/PERFORMANCE.md)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="runs per API/admin operation")
        parser.add_argument("--heavy-repeat", type=int, default=3, help="runs per job operation")
        parser.add_argument("--sweep", type=int, default=10_000, help="due reminders to sweep")
        parser.add_argument("--entries", type=int, default=2000, help="chronology entries")
        parser.add_argument("--only", default="", help="comma-separated operation name prefixes")
        parser.add_argument("--out", default="var/bench-results.json")

    def handle(self, *args, repeat, heavy_repeat, sweep, entries, only, out, **options):
        if not Case.objects.filter(reference__startswith="SYN-").exists():
            raise CommandError("No synthetic data: run manage.py generate_scale_data first.")
        # The bench is one client polling hard; the throttles would answer 429 (their
        # bookkeeping still runs and is timed).
        # Production runs with DEBUG off: no debug cursor wrapper around every query, no
        # template debug info (the admin's static storage stays as configured).
        settings.DEBUG = False
        for throttle in (PartnerTokenRateThrottle, StaffRateThrottle):
            throttle.THROTTLE_RATES = {**throttle.THROTTLE_RATES, throttle.scope: "1000000/s"}
        # As casetracker/wsgi.py does for every gunicorn worker once the app is loaded.
        freeze_startup_heap()
        with system_actor("bench"):
            document = self._run(repeat, heavy_repeat, sweep, entries, only, out)
        write_json(Path(out), document)
        self.stdout.write(f"\nJSON written to {out}")

    def _run(self, repeat, heavy_repeat, sweep, entries, only, out) -> dict:
        info = machine()
        info["cases"] = Case.objects.count()
        self.stdout.write(f"machine: {info}")
        actors = A.make_actors()
        ops.scratch_table()
        try:
            terms = ops.search_terms(actors)
            operations = [
                *ops.api_ops(actors, terms),
                *ops.admin_ops(actors),
                ops.planner_op(),
                ops.sweep_op(sweep),
                ops.chronology_op(entries),
            ]
            prefixes = [p for p in only.split(",") if p]
            results = []
            for op in operations:
                if prefixes and not any(op.name.startswith(p) for p in prefixes):
                    continue
                result = measure(op, heavy_repeat if op.heavy else repeat)
                results.append(result)
                # Written after every operation: a long run stopped half-way keeps its rows.
                write_json(Path(out), {"machine": info, "search_terms": terms, "results": results})
                self.stdout.write(
                    f"  {op.name}: {result['median_ms']:.1f} ms median, "
                    f"{result['queries']} queries",
                )
            plans = search_plans(actors, terms) if not prefixes or "search" in only else {}
        finally:
            actors.close()
        self.stdout.write("\n" + table(results))
        return {"machine": info, "search_terms": terms, "results": results, "plans": plans}
