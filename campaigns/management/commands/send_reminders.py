from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from campaigns.reminders.cli import parse_now
from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.sender import sweep_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders that are due (claims each, so several senders are safe). "
        "With --loop, plan and send every --interval seconds until SIGINT/SIGTERM: the "
        "cron-less replacement for Celery beat used by `make demo`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this ISO date/time (demo, tests)")
        parser.add_argument("--loop", action="store_true", help="repeat until interrupted")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between runs")
        parser.add_argument("--no-plan", action="store_true", help="in --loop, only send")
        parser.add_argument(
            "--max-runs", type=int, default=0, help="with --loop, stop after N runs (0: never)"
        )

    def handle(self, *args, now=None, loop=False, interval=60.0, no_plan=False, **options):
        pinned = parse_now(now)
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds")
        if not loop:
            self.stdout.write(f"Sent: {sweep_reminders(now=pinned)}")
            return
        self._loop(pinned, interval, not no_plan, options["max_runs"])

    def _loop(self, pinned, interval: float, plan: bool, max_runs: int) -> None:
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        runs = 0
        self.stdout.write(f"Reminder loop every {interval:g}s; Ctrl-C stops it.")
        while not stopping:
            if plan:
                self.stdout.write(f"Planned: {plan_reminders(now=pinned)}")
            self.stdout.write(f"Sent: {sweep_reminders(now=pinned)}")
            self.stdout.flush()
            runs += 1
            if max_runs and runs >= max_runs:
                break
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))
        self.stdout.write("Reminder loop stopped.")
