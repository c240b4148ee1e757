"""Re-encrypt every restricted value under the newest CASETRACKER_FIELD_KEYS key."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand

from casetracker import audit
from casetracker.crypto import encrypted_fields, new_key, rotate_model_keys


class Command(BaseCommand):
    help = (
        "Key rotation: put a new key first in CASETRACKER_FIELD_KEYS (keep the old ones "
        "after it), run this, then remove the old keys. --new-key prints a fresh key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--new-key", action="store_true", dest="print_new_key", help="print a new key, exit"
        )

    def handle(self, *args, batch_size: int, print_new_key: bool = False, **options):
        if print_new_key:
            self.stdout.write(new_key())
            return
        with audit.system_actor("rotate_field_keys"):
            for model in apps.get_models():
                fields = encrypted_fields(model)
                if not fields:
                    continue
                count = rotate_model_keys(model=model, batch_size=batch_size)
                audit.record_key_rotation(model=model, fields=[f.name for f in fields], count=count)
                self.stdout.write(f"{model._meta.label}: {count} value(s) re-encrypted")
