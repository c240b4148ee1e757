from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stderr=io.StringIO(),
    )
    text = (tmp_path / "schema.yaml").read_text()
    assert "openapi: 3" in text
    assert "/api/v1/changes/" in text and "/api/v1/cases/{case_pk}/events/" in text


def test_the_schema_is_served_as_openapi_3():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "partnerToken" in response.json()["components"]["securitySchemes"]


def test_the_docs_page_loads_only_local_assets():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""url:\s*["']([^"']+)["']""", html)
    assert urls, "expected asset references in the docs page"
    external = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert external == []
    assert "cdn" not in html.lower()
