"""The canary test: restricted values never leak (issue 6, "Restricted fields").

A unique canary string sits in every restricted field. We use the app as the different
people would — admin lists and forms, a change by a named staff member, a crash with
DEBUG off that mails the admins — while capturing every log record and e-mail, then
search logs, mail, the pages of people without the right, and every row of every table.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse

from casetracker.crypto import encrypted_fields
from people.models import AuditEntry, Membership
from tests.factories import CaseShareFactory, UserFactory
from tests.security.canary import (
    count_in_database,
    count_in_logs,
    count_in_mail,
    plant_canaries,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


@pytest.fixture
def people(org_a, org_b, make_member):
    return {
        "caseworker_a": make_member(org_a),  # same organisation, not named for restricted
        "named_a": make_member(org_a, restricted=True),
        "caseworker_b": make_member(org_b, restricted=True),  # named, but of another org
        "superuser": UserFactory(is_superuser=True),
    }


def admin_pages(world) -> list[str]:
    pages = []
    for record in [world.case, *world.records()]:
        opts = record._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
    return pages


def html_of(client, url, *, expect=(200,)) -> str:
    response = client.get(url)
    assert response.status_code in expect, (url, response.status_code)
    return response.content.decode()


def test_restricted_canaries_appear_nowhere_they_must_not(
    org_a, org_b, people, otp_login, caplog, settings
):
    world = plant_canaries(owner=org_a)
    token = world.token
    CaseShareFactory(case=world.case, organisation=org_b, tier="internal", can_edit=True)
    caplog.set_level(logging.DEBUG)  # every logger, every level, from here on (the test's
    caplog.clear()  # own factory_boy debug lines while planting are not the app's logs)

    # 1. Staff who may not read restricted content: admin lists and forms, all of it.
    # Caseworker A sees every page (200) without restricted fields; B (share up to
    # internal, named at B) and the platform superuser see the same minus what is not theirs.
    unauthorised_html, opened = [], 0
    for who in ("caseworker_a", "caseworker_b", "superuser"):
        client = Client()
        otp_login(client, people[who])
        for url in admin_pages(world):
            response = client.get(url)
            assert response.status_code in (200, 302), (who, url, response.status_code)
            opened += response.status_code == 200
            unauthorised_html.append(response.content.decode())
    # Only caseworker A's view of the restricted note is refused (its "does not exist"
    # redirect); every other page opened, so the zero below is not from empty pages.
    assert opened >= 3 * 12 - 3
    assert sum(html.count(token) for html in unauthorised_html) == 0

    # 2. The named staff member of the owner sees the values (proves the search works) ...
    named = Client()
    otp_login(named, people["named_a"])
    person_url = reverse("admin:people_person_change", args=[world.person.pk])
    assert token in html_of(named, person_url)
    reads = AuditEntry.objects.filter(action="read_restricted", user_id=people["named_a"].pk)
    assert reads.filter(model="people.person", object_id=str(world.person.pk)).exists()
    assert set(reads.get(model="people.person").changes["fields"]) == {
        "relatives",
        "private_contact",
    }
    # ... and changes them through the form: history and audit keep names, not values.
    form = named.get(person_url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data |= {"relatives": f"father {token}", "primary_name": world.person.primary_name}
    data |= {"birth_date_precision": 1, "roles": '["defender"]', "tier": "internal"}
    response = named.post(person_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.person.refresh_from_db()
    assert world.person.relatives == f"father {token}"
    change = LogEntry.objects.get(object_id=str(world.person.pk))
    assert "relatives" in change.get_change_message().lower()
    assert token not in change.change_message

    # 3. A crash with DEBUG off, with admins to mail: generic page, no values anywhere.
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.invalid")]
    crashing = Client(raise_request_exception=False)
    otp_login(crashing, people["named_a"])
    response = crashing.get(f"/boom/{world.person.pk}/")
    assert response.status_code == 500
    assert token not in response.content.decode()
    assert len(mail.outbox) == 1  # the error report went out ...
    assert "RuntimeError" in mail.outbox[0].body  # ... with the traceback, without locals

    # 4. Logs, mail, the whole database.
    assert count_in_logs(token, caplog.records) == 0
    assert count_in_mail(token, mail.outbox) == 0
    assert count_in_database(token) == 0


def test_the_canary_search_does_find_plaintext(org_a):
    """The database search is not blind: a canary in a plain column is found."""
    world = plant_canaries(owner=org_a)
    world.case.summary = world.token
    world.case.save()
    assert count_in_database(world.token) >= 1


def test_every_restricted_field_is_planted(org_a):
    world = plant_canaries(owner=org_a)
    from django.apps import apps

    models_with_restricted = {m for m in apps.get_models() if encrypted_fields(m)}
    assert models_with_restricted == {type(r) for r in [*world.records(), world.webhook]}


def test_unauthorised_staff_get_no_restricted_form_fields(org_a, people, otp_login):
    world = plant_canaries(owner=org_a)
    client = Client()
    otp_login(client, people["caseworker_a"])
    response = client.get(reverse("admin:people_person_change", args=[world.person.pk]))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert "relatives" not in fields and "private_contact" not in fields
    assert not AuditEntry.objects.filter(action="read_restricted").exists()


def test_staff_of_another_organisation_get_404_for_a_restricted_note(
    org_a, org_b, people, otp_login
):
    world = plant_canaries(owner=org_a)
    CaseShareFactory(case=world.case, organisation=org_b, tier="internal")
    restricted_note = world.notes[-1]
    client = Client()
    otp_login(client, people["caseworker_b"])
    url = reverse("admin:cases_casenote_change", args=[restricted_note.pk])
    response = client.get(url)
    assert response.status_code == 302  # the admin's "does not exist" redirect, not a 403
    assert Membership.objects.get(user=people["caseworker_b"]).may_read_restricted
