"""``python manage.py load_seeds [--dry-run]``: load the curated seed cases."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from campaigns.reminders.services import demo_campaigner_ensure
from seeds.loader import load_seeds
from seeds.schema import SeedError

OUTCOMES = ("created", "updated", "unchanged", "kept_edited")


class Command(BaseCommand):
    help = "Load the curated seed data (seeds/data/*.yaml). Running it again changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, then roll back."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        try:
            counts = load_seeds(dry_run=dry_run)
        except SeedError as exc:
            raise CommandError(
                "The seed data is invalid; nothing was written.\n" + str(exc)
            ) from None
        width = max((len(m) for m, _ in counts.table()), default=10)
        self.stdout.write(f"{'':{width}}  " + "  ".join(f"{o:>11}" for o in OUTCOMES))
        for model, row in counts.table():
            cells = "  ".join(f"{row.get(o, 0):>11}" for o in OUTCOMES)
            self.stdout.write(f"{model:{width}}  {cells}")
        totals = "  ".join(f"{counts.total(o):>11}" for o in OUTCOMES)
        self.stdout.write(f"{'total':{width}}  {totals}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        # The demo campaigner: e-mail reminders about every public case (idempotent).
        subscription = demo_campaigner_ensure()
        self.stdout.write(
            f"Demo campaigner {subscription.email} is subscribed by e-mail to every public case."
        )
