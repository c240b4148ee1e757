from __future__ import annotations

from django.core.management.base import BaseCommand

from campaigns.reminders.cli import parse_now
from campaigns.reminders.planner import plan_reminders


class Command(BaseCommand):
    help = "Create reminder rows for what is coming (idempotent; the same as the beat task)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this ISO date/time (demo, tests)")

    def handle(self, *args, now=None, **options):
        result = plan_reminders(now=parse_now(now))
        self.stdout.write(f"Planned: {result}")
