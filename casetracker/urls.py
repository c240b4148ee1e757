from django.contrib import admin
from django.urls import include, path

from cases.case_page import case_page
from casetracker import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("casetracker.api.urls")),
    path("cases/<slug:reference>/", case_page, name="case-page"),
    path("", include("campaigns.reminders.urls")),
]
