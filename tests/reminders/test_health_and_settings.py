from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from campaigns.models import SweepHeartbeat
from campaigns.reminders.sender import sweep_reminders
from tests.reminders.fakes import RecordingTransport

pytestmark = pytest.mark.django_db


def test_health_reports_no_sweep_yet_without_failing(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["reminders"]["last_sweep_age_seconds"] is None


def test_health_reports_the_age_of_the_last_sweep(client):
    sweep_reminders(transport=RecordingTransport())
    reminders = client.get("/health/").json()["checks"]["reminders"]
    assert reminders["ok"] is True and reminders["last_sweep_age_seconds"] < 60


def test_health_is_503_when_the_last_sweep_is_older_than_three_intervals(client):
    old = timezone.now() - dt.timedelta(seconds=3 * settings.REMINDER_SWEEP_INTERVAL_SECONDS + 5)
    SweepHeartbeat.objects.create(pk=1, last_sweep_at=old)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["reminders"]["ok"] is False


def test_a_sweep_with_an_injected_now_still_records_real_time():
    sweep_reminders(now=timezone.now() - dt.timedelta(days=900), transport=RecordingTransport())
    age = timezone.now() - SweepHeartbeat.objects.get().last_sweep_at
    assert age < dt.timedelta(minutes=1)


def test_celery_delivery_safety_settings_are_pinned():
    from casetracker.celery_app import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.broker_transport_options["visibility_timeout"] >= 3600
    assert conf.task_time_limit > conf.task_soft_time_limit > settings.REMINDER_SWEEP_MAX_SECONDS


def test_beat_plans_and_sweeps_every_minute_with_expiring_ticks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["plan-reminders"]["task"] == "campaigns.tasks.plan_reminders_task"
    assert schedule["sweep-reminders"]["task"] == "campaigns.tasks.sweep_reminders_task"
    for entry in (schedule["plan-reminders"], schedule["sweep-reminders"]):
        assert entry["schedule"] == 60.0
        assert entry["options"]["expires"] == 60


@pytest.mark.parametrize("name", ["plan_reminders_task", "sweep_reminders_task"])
def test_the_tasks_take_no_model_data_and_call_their_service(name, khurram, email_sub):
    from campaigns import tasks
    from casetracker.celery_app import app

    assert f"campaigns.tasks.{name}" in app.tasks
    with override_settings(REMINDER_TRANSPORT="tests.reminders.test_commands.Sink"):
        result = getattr(tasks, name).apply().get()
    assert ("reminders created" if name.startswith("plan") else "sent") in result
