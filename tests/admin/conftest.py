from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def admin_client_for(db, otp_login):
    """admin_client_for(user) -> a Client logged in to the admin as ``user``.

    The ONE way admin tests log in. The admin requires a second factor, so the session
    is one that passed both the password and a verified TOTP device.
    """

    def login(user) -> Client:
        client = Client()
        otp_login(client, user)
        return client

    return login
