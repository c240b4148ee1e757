"""Print the second factor of a demo user: an otpauth:// URI and a terminal QR code."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from people.services_security import totp_device_ensure


class Command(BaseCommand):
    help = "DEBUG only: create/get a confirmed TOTP device for a user and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--no-qr", action="store_true", help="print only the URI")
        parser.add_argument(
            "--code",
            action="store_true",
            help="print only the current 6-digit code (for a demo without an authenticator app)",
        )

    def handle(self, *args, username: str, no_qr: bool = False, code: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp runs only with DJANGO_DEBUG=True.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        uri = totp_device_ensure(user=user)
        if code:
            self.stdout.write(current_code(user))
            return
        self.stdout.write("Second factor for the admin login (scan it in an authenticator app):")
        self.stdout.write(uri)
        if not no_qr:
            self.stdout.write(render_qr(uri))


def current_code(user) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, name="demo")
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def render_qr(text: str) -> str:
    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(text)
    out = io.StringIO()
    qr.print_ascii(out=out)
    return out.getvalue()
