from __future__ import annotations

from unittest import mock

import pytest


@pytest.mark.django_db
def test_health_reports_database_and_broker_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_down(client):
    with mock.patch("casetracker.health.connection.cursor", side_effect=OSError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OSError"}
