"""Session lifetime, cache headers and the audit actor, per request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers, patch_cache_control

from casetracker import audit

SESSION_STARTED_KEY = "_casetracker_auth_started"


def mark_session_start(sender=None, request=None, user=None, **kwargs) -> None:
    """user_logged_in receiver: the absolute lifetime counts from this login."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())


class SessionAbsoluteTimeoutMiddleware:
    """Ends an authenticated session SESSION_ABSOLUTE_AGE seconds after login.

    The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST);
    this adds the hard limit an always-busy session would otherwise escape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)  # flushes the session: a new id, no data left
        return self.get_response(request)


class NoStoreWhenAuthenticatedMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user.

    Pages for staff show confidential case data; no browser or proxy cache may keep them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class AuditContextMiddleware:
    """Every audit row written while handling the request names its user and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.actor_from_request(request):
            return self.get_response(request)


class ReleaseRenderedDataMiddleware:
    """Drops a rendered API response's data structure as soon as its bytes exist.

    DRF keeps ``response.data`` and a ``renderer_context`` that points back at the view,
    which points at the response: a reference cycle, so a 500-case page (~5,000 dicts and
    lists) outlived the request until a full garbage collection found it — 40–90 ms pauses
    every few requests, the partner list's p95 (issue 7). Once rendered, only the bytes are
    sent; without the cycle reference counting frees the structure at once. The view
    (one instance per request, done once the response is rendered) is emptied too: it and
    DRF's request point at each other, and its paginator holds the page's rows.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "is_rendered", False) and hasattr(response, "renderer_context"):
            view = (response.renderer_context or {}).get("view")
            response.data = None
            response.renderer_context = None
            if view is not None:
                view.__dict__.clear()
        return response
