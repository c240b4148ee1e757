from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class CasetrackerAdminConfig(AdminConfig):
    """Replaces django.contrib.admin: every ``admin.site.register`` uses our OTP site."""

    default_site = "casetracker.admin_site.CasetrackerAdminSite"
