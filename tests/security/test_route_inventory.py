"""Every route has an explicit access decision; a new view without one fails here.

Decided: admin views (the admin site decides, with TOTP); DRF views whose class (not
DRF's defaults) declares ``permission_classes``; plain views marked with
``casetracker.permissions.permission_decision``; and the listed public routes.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, path
from django.views.generic import View

from casetracker.permissions import permission_decision

PUBLIC_BY_DESIGN = {"health"}  # liveness probe: no data beyond "up"


def iter_routes(patterns, prefix="", namespaces=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from iter_routes(
                p.url_patterns, prefix + str(p.pattern), (*namespaces, p.app_name or "")
            )
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, namespaces


def _declares_permissions(cls) -> bool:
    return any(
        "permission_classes" in vars(klass)
        for klass in cls.__mro__
        if not klass.__module__.startswith("rest_framework.")
    )


def decision(pattern: URLPattern, namespaces) -> str | None:
    callback = pattern.callback
    if "admin" in namespaces:
        return "admin site"
    if pattern.name in PUBLIC_BY_DESIGN:
        return "public by design"
    marked = getattr(callback, "permission_decision", None)
    if marked:
        return marked
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None and getattr(cls, "permission_classes", None) is not None:
        return "drf permission_classes" if _declares_permissions(cls) else None
    return None


def undeclared(urlconf=None) -> list[str]:
    resolver = get_resolver(urlconf)
    return [route for route, p, ns in iter_routes(resolver.url_patterns) if decision(p, ns) is None]


def test_every_project_route_has_an_explicit_permission_decision():
    assert undeclared() == []


def test_the_project_has_routes_to_inspect():
    routes = [r for r, _p, _ns in iter_routes(get_resolver().url_patterns)]
    assert "health/" in routes
    assert any(r.startswith("admin/") for r in routes)


# -- the inventory itself can fail ------------------------------------------------------
def plain_view(request):
    return None


class PlainClassView(View):
    pass


def test_an_undecided_plain_view_is_reported():
    urlconf = type(
        "Conf",
        (),
        {
            "urlpatterns": [
                path("plain/", plain_view),
                path("cls/", PlainClassView.as_view()),
                path("ok/", permission_decision("public: test")(lambda r: None)),
            ]
        },
    )
    assert undeclared(urlconf) == ["plain/", "cls/"]


def test_a_drf_view_relying_on_the_default_permissions_is_reported():
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.views import APIView

    class Implicit(APIView):
        pass

    class Explicit(APIView):
        permission_classes = [IsAuthenticated]

    urlconf = type(
        "Conf",
        (),
        {
            "urlpatterns": [
                path("implicit/", Implicit.as_view()),
                path("explicit/", Explicit.as_view()),
            ]
        },
    )
    assert undeclared(urlconf) == ["implicit/"]
