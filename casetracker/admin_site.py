"""The admin site: Django's admin plus a TOTP second factor for every user."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class CasetrackerLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the 6-digit code on one form.

    django-otp asks the user to pick a device before it checks a code, so that a wrong
    code is not counted against every device they own. A caseworker almost always has
    exactly one TOTP device; then it is the only possible choice and we make it for them,
    instead of answering the first attempt with "Please select a device".
    """

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class CasetrackerAdminSite(OTPAdminSite):
    """Only users verified by a confirmed TOTP device get in (``is_verified()``).

    A password-only session is treated as not staff: the admin answers with its login
    page, which asks for the one-time code.
    """

    site_header = "casetracker"
    site_title = "casetracker"
    index_title = _("Case administration")
    login_form = CasetrackerLoginForm

    def __init__(self, name: str = "admin"):
        # Keep the "admin" URL namespace so reverse("admin:...") works everywhere.
        super().__init__(name)
