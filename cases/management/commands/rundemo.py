"""Run the demo: the web app and the reminder loop, stopped together with Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Start the app on 127.0.0.1 and the reminder loop; Ctrl-C stops both cleanly."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--interval", type=int, default=60, help="reminder loop seconds")

    def handle(self, *args, port: int, interval: int, **options):
        if not settings.DEBUG:
            raise CommandError("rundemo is for the demo only; use gunicorn + celery in production.")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        children = {
            "web": subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"])
        }
        if "send_reminders" in get_commands():
            children["reminders"] = subprocess.Popen(
                [*manage, "send_reminders", "--loop", "--interval", str(interval)]
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"casetracker is starting on http://127.0.0.1:{port}/admin/ "
                f"(health: http://127.0.0.1:{port}/health/). Ctrl-C stops everything.\n"
                "Log in as 'demo' with the password printed above and a 6-digit code from "
                "your authenticator app, or from:\n"
                "  .venv/bin/python manage.py demo_totp demo --code"
            )
        )
        self._wait(children)

    def _wait(self, children: dict[str, subprocess.Popen]) -> None:
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(c.poll() is None for c in children.values()):
            time.sleep(0.2)
        crashed = [n for n, c in children.items() if c.poll() not in (None, 0)]
        self._stop(children)
        if crashed and not stopping:
            raise CommandError(f"{', '.join(crashed)} stopped unexpectedly; see the log above.")
        self.stdout.write("Stopped.")

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
