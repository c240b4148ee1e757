from django.contrib import admin
from django.urls import include, path

from casetracker import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("casetracker.api.urls")),
    path("", include("campaigns.reminders.urls")),
]
