"""The admin site: Django's admin plus a TOTP second factor for every user."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class CasetrackerAdminSite(OTPAdminSite):
    """Only users verified by a confirmed TOTP device get in (``is_verified()``).

    A password-only session is treated as not staff: the admin answers with its login
    page, which asks for the one-time code.
    """

    site_header = "casetracker"
    site_title = "casetracker"
    index_title = _("Case administration")

    def __init__(self, name: str = "admin"):
        # Keep the "admin" URL namespace so reverse("admin:...") works everywhere.
        super().__init__(name)
