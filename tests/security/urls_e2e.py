"""The project's real URLconf plus one view that fails with a decrypted value in scope."""

from __future__ import annotations

from django.urls import path

from casetracker.urls import urlpatterns as project_urlpatterns
from tests.security.urls import broken_view

urlpatterns = [*project_urlpatterns, path("boom/<int:pk>/", broken_view)]
