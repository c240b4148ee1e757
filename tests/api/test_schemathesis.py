"""Generated requests against the API's own OpenAPI schema, in process (issue 4 Quality).

Schemathesis loads /api/v1/schema/ through the WSGI app and, for every operation, sends
generated requests as a partner token and as a caseworker's OTP-verified session (with
its CSRF token, so writes really run). 0 server errors and 0 responses that contradict
the schema (status, content type, headers, body). Bounded: a few examples per operation,
no deadline (the first request of an operation warms caches).
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings

from casetracker.fields import Tier
from casetracker.wsgi import application
from people.tokens import partner_token_create
from tests.factories import (
    CaseFactory,
    CaseShareFactory,
    HearingFactory,
    OrganisationFactory,
    TimelineEventFactory,
)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
MAX_EXAMPLES = 6


@pytest.fixture
def api_schema(db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    cache.clear()
    # Requests go through the WSGI handler itself, whose request_started/finished signals
    # would close the test's database connection (it is inside the test transaction, not
    # in autocommit); Django's test Client detaches the same receiver.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(org_a, make_member, otp_login):
    partner = OrganisationFactory(name="Fake Fuzz Partner", acronym="FFP")
    for tier in (Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL):
        case = CaseFactory(owner=org_a, tier=tier)
        CaseShareFactory(case=case, organisation=partner, tier=Tier.PARTNERS)
        TimelineEventFactory(case=case, tier=tier)
        HearingFactory(case=case, tier=tier)
    _token, raw = partner_token_create(organisation=partner)
    caseworker = make_member(org_a)
    caseworker.refresh_from_db()
    client = Client()
    otp_login(client, caseworker)
    csrf = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {
        "partner": {"headers": {"Authorization": f"Bearer {raw}"}},
        "caseworker": {
            "headers": {"X-CSRFToken": csrf},
            "cookies": {"sessionid": session, "csrftoken": csrf},
        },
    }


def failures_of(schema, credentials: dict) -> tuple[list[str], Counter]:
    """Run every operation's generated cases; collect what failed and the statuses seen."""
    failures, seen = [], Counter()
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            response = case.call_and_validate(checks=CHECKS, **credentials)
            seen[(case.method, response.status_code)] += 1

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures, seen


def test_generated_requests_as_a_partner_token_get_no_server_error_and_match_the_schema(
    api_schema, callers
):
    failures, seen = failures_of(api_schema, callers["partner"])
    assert failures == []
    assert seen[("GET", 200)] > 10, seen  # real reads, not only refusals


def test_generated_requests_as_a_caseworker_session_get_no_server_error_and_match_the_schema(
    api_schema, callers
):
    failures, seen = failures_of(api_schema, callers["caseworker"])
    assert failures == []
    assert seen[("GET", 200)] > 10, seen
    # The session's CSRF token works: generated writes get past authentication and CSRF.
    # (A generated bogus "Authorization: Bearer ..." header is a documented 401.)
    assert any(
        method in ("POST", "PATCH", "PUT") and code not in (401, 403) for method, code in seen
    ), seen
