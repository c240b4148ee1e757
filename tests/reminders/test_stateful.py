"""Hypothesis: any sequence of planner runs and case edits leaves at most one row per key,
and never more than one pending/sent row per (case, kind, date, subscription, lead)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from campaigns.models import Reminder, Subscription
from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.sender import sweep_reminders
from campaigns.reminders.services import subscription_create
from cases.models import Case, Hearing
from tests.factories import CaseFactory, HearingFactory
from tests.reminders.conftest import at
from tests.reminders.fakes import RecordingTransport

DAYS = st.integers(min_value=0, max_value=120)
START = dt.date(2022, 1, 1)


class PlannerMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        # Each example runs in a savepoint rolled back in teardown(): examples start clean.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.case = CaseFactory(detained_since=dt.date(2021, 11, 22))
        self.hearing = HearingFactory(case=self.case, date=dt.date(2022, 2, 10))
        self.sub = subscription_create(channel=Subscription.Channel.EMAIL, email="h@x.invalid")
        self.today = START
        self.transport = RecordingTransport()

    @rule(days=st.integers(min_value=0, max_value=10))
    def time_passes_and_the_planner_runs(self, days):
        self.today += dt.timedelta(days=days)
        plan_reminders(now=at(self.today.year, self.today.month, self.today.day))

    @rule()
    def the_planner_runs_again(self):
        plan_reminders(now=at(self.today.year, self.today.month, self.today.day))

    @rule()
    def the_sender_sweeps(self):
        sweep_reminders(
            now=at(self.today.year, self.today.month, self.today.day), transport=self.transport
        )

    @rule(offset=DAYS)
    def the_hearing_is_re_dated(self, offset):
        Hearing.objects.filter(pk=self.hearing.pk).update(date=START + dt.timedelta(days=offset))

    @rule(status=st.sampled_from(["scheduled", "cancelled", "postponed", "held"]))
    def the_hearing_status_changes(self, status):
        Hearing.objects.filter(pk=self.hearing.pk).update(status=status)

    @rule(status=st.sampled_from(["detained", "released", "on_bail"]))
    def the_case_status_changes(self, status):
        Case.objects.filter(pk=self.case.pk).update(status=status)

    @rule(offset=st.integers(min_value=-200, max_value=60))
    def the_arrest_date_is_corrected(self, offset):
        Case.objects.filter(pk=self.case.pk).update(
            detained_since=dt.date(2021, 11, 22) + dt.timedelta(days=offset)
        )

    @rule(consent=st.sampled_from(["public", "none"]))
    def the_consent_changes(self, consent):
        Case.objects.filter(pk=self.case.pk).update(consent=consent)

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    @invariant()
    def at_most_one_row_per_key(self):
        keys = Counter(
            Reminder.objects.values_list(
                "case_id", "kind", "occurrence_date", "subscription_id", "channel", "lead_days"
            )
        )
        assert all(n == 1 for n in keys.values())

    @invariant()
    def nothing_is_sent_twice(self):
        ids = [m.extra_headers["X-Casetracker-Delivery"] for m in self.transport.emails]
        assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_any_sequence_of_planner_runs_and_edits_keeps_one_row_per_key():
    PlannerMachine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    runner = PlannerMachine.TestCase("runTest")
    runner.runTest()
