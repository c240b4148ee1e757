"""Who is acting: the actor every audit row names (see people.models.AuditEntry).

A request sets it (AuditContextMiddleware: the signed-in user and the client address);
a management command or a Celery task sets ``system_actor("<name>")``. Rows written with
neither are attributed to ``system:unattributed`` so a gap is visible, not silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    ip_address: str | None


_request: ContextVar[object | None] = ContextVar("casetracker_audit_request", default=None)
_system: ContextVar[str | None] = ContextVar("casetracker_audit_system", default=None)


def current_actor() -> Actor:
    request = _request.get()
    if request is not None:
        from casetracker.auth import client_ip

        user = getattr(request, "user", None)
        ip = client_ip(request)
        if user is not None and user.is_authenticated:
            return Actor(user.pk, user.get_username(), ip)
        return Actor(None, "anonymous", ip)
    system = _system.get()
    return Actor(None, f"system:{system or 'unattributed'}", None)


@contextmanager
def actor_from_request(request) -> Iterator[None]:
    # The user is resolved when a row is written, not here: request.user is lazy and
    # changes when the request logs in or out.
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def system_actor(name: str) -> Iterator[None]:
    """``with system_actor("rotate_field_keys"):`` for commands and tasks."""
    token_s = _system.set(name)
    token_r = _request.set(None)
    try:
        yield
    finally:
        _request.reset(token_r)
        _system.reset(token_s)
