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
