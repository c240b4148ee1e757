"""Celery tasks: each is one call to a service. Beat ticks them every minute.

The database holds the reminder state; a lost, duplicated or redelivered tick is harmless
because the planner and the sweep are idempotent (acks_late + reject_on_worker_lost).
"""

from __future__ import annotations

from celery import shared_task

from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.sender import sweep_reminders


@shared_task(name="campaigns.tasks.plan_reminders_task")
def plan_reminders_task() -> str:
    return str(plan_reminders())


@shared_task(name="campaigns.tasks.sweep_reminders_task")
def sweep_reminders_task() -> str:
    return str(sweep_reminders())
