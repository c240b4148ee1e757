"""Login hardening helpers: the client's address and django-axes' escalating cool-off."""

from __future__ import annotations

import datetime as dt
import ipaddress
from functools import lru_cache

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The address a request came from, for lockouts and the audit trail.

    ``X-Forwarded-For`` is believed only when REMOTE_ADDR is one of TRUSTED_PROXIES, and then
    read right to left, skipping our own proxies: the left-hand entries are whatever the
    client chose to send and must never decide which address gets locked out.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _is_trusted_proxy(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _is_trusted_proxy(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # garbage from the client: fall back to the proxy itself
    return remote


def recent_lockouts(*, username: str | None, ip_address: str | None, now=None) -> int:
    """How many times this username+IP was locked out in the last 24 hours."""
    from axes.models import AccessFailureLog

    now = now or timezone.now()
    return AccessFailureLog.objects.filter(
        username=username,
        ip_address=ip_address,
        locked_out=True,
        attempt_time__gte=now - dt.timedelta(hours=24),
    ).count()


def axes_cool_off(request=None) -> dt.timedelta:
    """django-axes AXES_COOLOFF_TIME: 15 min, doubled for every lockout in the last 24 h.

    1st lockout 15 min, 2nd 30 min, 3rd 1 h ... capped at 24 h. Counted per username+IP
    like the lockout itself, so an attacker cannot lengthen a colleague's lockout from
    another address.
    """
    base = dt.timedelta(minutes=settings.AXES_LOCKOUT_BASE_MINUTES)
    if request is None:
        return base
    from axes.helpers import get_client_username

    username = get_client_username(request)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    lockouts = recent_lockouts(username=username, ip_address=ip_address)
    factor = 2 ** max(lockouts - 1, 0)
    return min(base * factor, dt.timedelta(hours=settings.AXES_LOCKOUT_MAX_HOURS))


class RequestAwareAxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for authentications that come with a request.

    Every login surface (admin login form, DRF authentication) passes the request, and
    there the lockout applies. Calls without one (the test client's ``login()``, scripts)
    carry no address to lock, and axes would raise instead of answering; they fall
    through to the password check, which is all that can be done without a client.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
