from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def admin_client_for(db):
    """admin_client_for(user) -> a Client logged in to the admin as ``user``.

    The ONE way admin tests log in: when the admin requires a second factor, only this
    fixture changes (to log in with a verified device).
    """

    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login
