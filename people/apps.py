from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from casetracker import audit
        from casetracker.middleware import mark_session_start

        user_logged_in.connect(mark_session_start, dispatch_uid="casetracker_session_start")
        # Every model built on AuditedQuerySet is audited; apps are all loaded by now.
        audit.connect_receivers()
        from people import admin_audit  # noqa: F401  (registers the read-only trail)
