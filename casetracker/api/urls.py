"""/api/v1/: every app's routes, the change feed, the schema and the offline docs."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from casetracker.api.changes import ChangeFeedView
from casetracker.api.exceptions import api_not_found

app_name = "api"

urlpatterns = [
    path("", include("cases.urls")),
    path("", include("people.urls")),
    path("", include("campaigns.urls")),
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            permission_classes=[AllowAny], authentication_classes=[], throttle_classes=[]
        ),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api:schema",
            permission_classes=[AllowAny],
            authentication_classes=[],
            throttle_classes=[],
        ),
        name="docs",
    ),
    # Last: anything else under /api/v1/ is a JSON 404, never Django's HTML page.
    re_path(r"^(?P<path>.*)$", api_not_found, name="not-found"),
]
