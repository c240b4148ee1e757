from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from cases import views
from cases.export import CaseCsvExportView

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("hearings", views.HearingViewSet, basename="hearing")

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update"}
NESTED = [
    ("events", views.CaseEventViewSet, "case-event"),
    ("charges", views.CaseChargeViewSet, "case-charge"),
    ("hearings", views.CaseHearingViewSet, "case-hearing"),
    ("detentions", views.CaseDetentionViewSet, "case-detention"),
]

urlpatterns = [
    # Before the router, so "export.csv" is not read as a case id.
    path("cases/export.csv", CaseCsvExportView.as_view(), name="case-export-csv"),
    *[
        p
        for segment, viewset, name in NESTED
        for p in (
            path(
                f"cases/<int:case_pk>/{segment}/",
                viewset.as_view(LIST),
                name=f"{name}-list",
            ),
            path(
                f"cases/<int:case_pk>/{segment}/<int:pk>/",
                viewset.as_view(DETAIL),
                name=f"{name}-detail",
            ),
        )
    ],
    path(
        "cases/<int:case_pk>/sources/",
        views.CaseSourceViewSet.as_view({"get": "list"}),
        name="case-source-list",
    ),
    path(
        "cases/<int:case_pk>/sources/<int:pk>/",
        views.CaseSourceViewSet.as_view({"get": "retrieve"}),
        name="case-source-detail",
    ),
    *router.urls,
]
