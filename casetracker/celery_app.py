"""The Celery application.

The database holds reminder state; the broker only carries "sweep now" ticks, so losing
the broker (Redis FLUSHALL, a restart) loses no reminder. Settings are read from Django
settings under the CELERY_ namespace (see casetracker/settings.py).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")

app = Celery("casetracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
