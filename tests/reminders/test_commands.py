from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from campaigns.models import Reminder

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@override_settings(REMINDER_TRANSPORT="tests.reminders.test_commands.Sink")
def test_plan_and_send_with_now_print_what_they_did_and_are_idempotent(khurram, email_sub):
    Sink.sent = []
    assert "reminders created" in run("plan_reminders", "--now", "2022-04-14")
    assert "1 sent" in run("send_reminders", "--now", "2022-04-14")
    assert "0 reminders created" in run("plan_reminders", "--now", "2022-04-14")
    assert "0 sent" in run("send_reminders", "--now", "2022-04-14")
    assert Reminder.objects.filter(state="sent").count() == 1 == len(Sink.sent)


@override_settings(REMINDER_TRANSPORT="tests.reminders.test_commands.Sink")
def test_the_loop_plans_and_sends_until_told_to_stop(khurram, email_sub):
    out = run(
        "send_reminders", "--now", "2022-04-14", "--loop", "--interval", "0.01", "--max-runs", "2"
    )
    assert out.count("Planned:") == 2 and out.count("Sent:") == 2
    assert "Reminder loop stopped." in out


def test_a_bad_now_is_a_clear_error():
    with pytest.raises(CommandError, match="not an ISO date"):
        run("plan_reminders", "--now", "14/04/2022")


def test_the_loop_stops_cleanly_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'loop.sqlite3'}",
        "EMAIL_URL": "dummymail://",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)
    proc = subprocess.Popen(
        [*manage, "send_reminders", "--loop", "--interval", "30"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "Reminder loop" in line
        time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Reminder loop stopped." in out


class Sink:
    sent: list = []

    def send_email(self, message):
        Sink.sent.append(message)

    def post_webhook(self, url, body, headers):
        Sink.sent.append(body)
        return 200
