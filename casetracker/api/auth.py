"""Partner tokens: ``Authorization: Bearer <token>``, never in a query string."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from people.tokens import find_token

# Names a client might use to put a token in the URL, where it would end up in proxy and
# server logs and browser history. Such requests are refused even when a header is present.
QUERY_TOKEN_PARAMS = ("token", "access_token", "api_key", "apikey", "key", "auth", "bearer")
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        if any(p in request.query_params for p in QUERY_TOKEN_PARAMS):
            raise exceptions.AuthenticationFailed(
                _(
                    "Tokens are not accepted in the query string; "
                    "send them as 'Authorization: Bearer <token>'."
                )
            )
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: expected 'Bearer <token>'.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return self.authenticate_token(raw)

    def authenticate_token(self, raw: str):
        now = timezone.now()
        token = find_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token's account is disabled."))
        # One write a minute at most, not one per request.
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return 'Bearer realm="api"'


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "casetracker.api.auth.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner token from `manage.py create_partner_token`.",
        }


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Staff sessions for the API — only sessions that passed the second factor.

    The admin login (TOTP) is the only way to get a session today, so every session is
    OTP-verified already; this keeps it so if another login path is ever added (a
    password-only session must not reach case data, writes included). CSRF is enforced
    for every session request, as DRF's SessionAuthentication does.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        is_verified = getattr(result[0], "is_verified", None)
        if is_verified is None or not is_verified():
            raise exceptions.AuthenticationFailed(
                _("This session has not passed the second factor; sign in through the admin.")
            )
        return result


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "casetracker.api.auth.VerifiedSessionAuthentication"
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
