"""Partner API tokens: create, find, revoke. Only a SHA-256 hash is ever stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from people.models import Membership, Organisation, PartnerToken

TOKEN_PREFIX = "ctp"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def find_token(raw: str) -> PartnerToken | None:
    """The token ``raw`` names, compared in constant time; None when there is none."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        PartnerToken.objects.select_related("user__membership", "organisation")
        .filter(prefix=parts[1])
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, hash_token(raw)):
        return None
    return token


def partner_service_user(*, organisation: Organisation):
    """The API account a partner organisation's tokens act as (role partner, no password)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=f"api-partner-{organisation.pk}",
        defaults={"is_staff": False, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(
            user=user, organisation=organisation, role=Membership.Role.PARTNER
        )
    return user


@transaction.atomic
def partner_token_create(
    *,
    organisation: Organisation,
    name: str = "",
    expires_days: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[PartnerToken, str]:
    """Create a token; returns it with the raw secret, which is never stored or shown again."""
    now = now or timezone.now()
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = PartnerToken(
        organisation=organisation,
        user=partner_service_user(organisation=organisation),
        name=name,
        prefix=prefix,
        key_hash=hash_token(raw),
        expires_at=now + dt.timedelta(days=expires_days) if expires_days else None,
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def partner_token_revoke(*, token: PartnerToken, now: dt.datetime | None = None) -> PartnerToken:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
