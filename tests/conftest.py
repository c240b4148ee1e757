from __future__ import annotations

import pytest
from django.db import connection

from casetracker.visibility import Viewer
from people.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def on_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Fake Org A", acronym="FOA")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Fake Org B", acronym="FOB")


@pytest.fixture
def make_member(db):
    """make_member(org, role, restricted=False) -> User with a membership."""

    def make(org, role=Membership.Role.CASEWORKER, restricted=False, **user_kw):
        membership = MembershipFactory(
            organisation=org,
            role=role,
            may_read_restricted=restricted,
            user__is_staff=role != Membership.Role.PARTNER,
            **{f"user__{k}": v for k, v in user_kw.items()},
        )
        return membership.user

    return make


@pytest.fixture
def viewer_of():
    def build(user):
        return Viewer.for_user(user)

    return build


# -- security (issue 6) -------------------------------------------------------------------
@pytest.fixture
def otp_login(db):
    """otp_login(client, user) -> device: a session that passed password AND TOTP.

    The admin refuses password-only sessions; use this in admin tests instead of a bare
    ``client.force_login(user)``.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(client, user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with Django's iteration count costs ~0.3 s per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
