"""The canary test over the project's real admin site, whatever is registered on it."""

from __future__ import annotations

import logging

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory
from tests.security.canary import count_in_logs, plant_canaries

pytestmark = pytest.mark.django_db


def real_admin_pages(world) -> list[str]:
    by_model = {type(r): r for r in [world.case, *world.records()]}
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model in by_model:
            try:
                pages.append(
                    reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change",
                        args=[by_model[model].pk],
                    )
                )
            except NoReverseMatch:
                pass
    return pages


def test_no_canary_on_any_real_admin_page_for_staff_without_restricted_access(
    org_a, make_member, otp_login, caplog
):
    world = plant_canaries(owner=org_a)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    pages = real_admin_pages(world)
    assert "/admin/people/auditentry/" in pages
    for user in (make_member(org_a), UserFactory(is_superuser=True)):
        client = Client()
        otp_login(client, user)
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 302, 403), (url, response.status_code)
            assert world.token not in response.content.decode(), url
    assert count_in_logs(world.token, caplog.records) == 0
