"""WSGI entry point (gunicorn casetracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from casetracker.runtime import freeze_startup_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
application = get_wsgi_application()
freeze_startup_heap()
