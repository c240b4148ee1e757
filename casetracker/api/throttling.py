"""Per-token throttling for partners, per-user for staff sessions. 429 with Retry-After."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from people.models import PartnerToken


class PartnerTokenRateThrottle(SimpleRateThrottle):
    """Keyed on the token id: two tokens of one organisation have separate budgets."""

    scope = "partner_token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, PartnerToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class StaffRateThrottle(SimpleRateThrottle):
    scope = "staff"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PartnerToken) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
