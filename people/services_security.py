"""Security services for accounts: the TOTP second factor."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_DEVICE_NAME = "demo"


@transaction.atomic
def totp_device_ensure(*, user, name: str = DEMO_DEVICE_NAME) -> str:
    """Get or create a confirmed TOTP device for ``user``; return its ``otpauth://`` URI.

    For ``make demo`` only: it hands out a second factor without any proof of identity,
    so it refuses to run unless DEBUG is on.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "totp_device_ensure hands out second factors without checks; it runs only with "
            "DJANGO_DEBUG=True. In production, users enrol their own device."
        )
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name=name, defaults={"confirmed": True}
    )
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device.config_url
