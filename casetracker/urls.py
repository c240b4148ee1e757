from django.contrib import admin
from django.urls import include, path

from casetracker import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("campaigns.reminders.urls")),
]
