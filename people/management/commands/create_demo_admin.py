"""Create (or reset) the demo installation admin and print its one-time password."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from people.management.commands.demo_totp import render_qr
from people.models import Membership, Organisation
from people.services_security import totp_device_ensure

DEMO_USERNAME = "demo"
CIVICUS_NAME = "CIVICUS: World Alliance for Citizen Participation"


class Command(BaseCommand):
    help = (
        "Create or reset the superuser 'demo' (administrator of CIVICUS) with a new random "
        "password, printed once. Development only: refuses to run when DEBUG is False."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "create_demo_admin is for local demos and refuses to run with DEBUG=False; "
                "create real accounts with `manage.py createsuperuser`."
            )
        password = secrets.token_urlsafe(18)
        with transaction.atomic():
            org, _created = Organisation.objects.get_or_create(
                name=CIVICUS_NAME, defaults={"acronym": "CIVICUS", "is_member": True}
            )
            if not org.is_member:
                org.is_member = True
                org.save(update_fields=["is_member", "updated_at"])
            user, _created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
            Membership.objects.update_or_create(
                user=user,
                defaults={"organisation": org, "role": Membership.Role.ADMINISTRATOR},
            )
            otpauth = totp_device_ensure(user=user)
        self.stdout.write(
            f"Demo admin ready.\n  Log in at: {settings.SITE_URL}/admin/\n"
            f"  username:  {DEMO_USERNAME}\n  password:  {password}\n"
            "(The password is shown only now; run this command again to reset it.)\n"
            "  second factor: every admin login also asks for a 6-digit code. Scan this\n"
            "  with an authenticator app (or add the otpauth URI by hand):\n"
            f"  {otpauth}\n{render_qr(otpauth)}"
            "  No authenticator app at hand? The current code, for this demo only:\n"
            f"  .venv/bin/python manage.py demo_totp {DEMO_USERNAME} --code"
        )
