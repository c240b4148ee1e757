from __future__ import annotations

from rest_framework.routers import SimpleRouter

from people import views

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
urlpatterns = router.urls
