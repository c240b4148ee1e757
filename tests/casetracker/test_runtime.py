"""Process set-up (issue 7: garbage-collection pauses)."""

from __future__ import annotations

import subprocess
import sys

from casetracker.middleware import ReleaseRenderedDataMiddleware


def test_wsgi_module_freezes_the_startup_heap():
    code = (
        "import os, gc; os.environ['DJANGO_SETTINGS_MODULE'] = 'casetracker.settings'; "
        "import casetracker.wsgi; print(gc.get_freeze_count())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) > 10_000


def test_release_middleware_leaves_other_responses_alone(rf):
    from django.http import HttpResponse

    page = HttpResponse(b"plain")
    middleware = ReleaseRenderedDataMiddleware(lambda request: page)
    assert middleware(rf.get("/")) is page
    assert page.content == b"plain"
