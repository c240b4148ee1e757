from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/admin/people/membership/").status_code == 200
    return len(ctx.captured_queries)


def test_the_membership_changelist_costs_the_same_with_one_and_many_rows(admin_client_for):
    client = admin_client_for(UserFactory(is_superuser=True))
    MembershipFactory()
    client.get("/admin/people/membership/")  # warm the content-type cache
    one = changelist_queries(client)
    MembershipFactory.create_batch(10)
    assert changelist_queries(client) == one


def test_organisation_staff_cannot_manage_memberships(admin_client_for, org_a, make_member):
    administrator = make_member(org_a, Membership.Role.ADMINISTRATOR)
    assert admin_client_for(administrator).get("/admin/people/membership/").status_code == 403
