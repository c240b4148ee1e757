"""manage.py create_partner_token --org "NAME" [--expires-days N] [--name LABEL]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from people.models import Organisation
from people.tokens import partner_token_create


class Command(BaseCommand):
    help = "Create an API token for a partner organisation and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Organisation name or acronym")
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--name", default="", help="A label, e.g. 'website sync'")

    def handle(self, *args, org, expires_days, name, **options):
        matches = list(Organisation.objects.filter(Q(name__iexact=org) | Q(acronym__iexact=org)))
        if len(matches) != 1:
            raise CommandError(
                f"No organisation named {org!r}."
                if not matches
                else f"{org!r} matches {len(matches)} organisations; use the full name."
            )
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        token, raw = partner_token_create(
            organisation=matches[0], name=name, expires_days=expires_days
        )
        expiry = token.expires_at.isoformat() if token.expires_at else "never"
        self.stderr.write(
            f"Token {token.prefix} for {matches[0]} (expires: {expiry}). "
            "Store it now: it cannot be shown again."
        )
        self.stdout.write(raw)
