from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        # The reminders admin lives in its own module (campaigns/admin.py is the
        # campaigns admin); importing it registers its ModelAdmins.
        from campaigns import admin_reminders  # noqa: F401
