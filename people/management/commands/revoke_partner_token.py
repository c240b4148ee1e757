"""manage.py revoke_partner_token PREFIX  (the middle part of ctp_<prefix>_<secret>)"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from people.models import PartnerToken
from people.tokens import partner_token_revoke


class Command(BaseCommand):
    help = "Revoke a partner API token by its prefix; requests with it get 401 at once."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="Token prefix, or a whole token")

    def handle(self, *args, prefix, **options):
        if prefix.startswith("ctp_"):
            prefix = prefix.split("_", 2)[1]
        token = PartnerToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token with prefix {prefix!r}.")
        partner_token_revoke(token=token)
        self.stdout.write(f"Revoked token {token.prefix} of {token.organisation}.")
