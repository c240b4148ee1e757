"""Failure tests on PostgreSQL with a real Redis broker and real Celery worker processes.

What runs here (all on loopback, bounded in time, subprocesses killed in ``finally``):
- 4 concurrent sweepers (2 workers x 2 prefork children) over 10,000 due reminders;
- SIGKILL of whole workers at seeded-random moments, four rounds;
- the broker's Redis database flushed mid-run;
- two beat processes ticking plan + sweep every second.
Sends go to ``FileCountingTransport`` (one line per send in a shared file), so "sent
twice" is observable. The Redis test flushes only the broker's own database (FLUSHDB) so
that a shared development Redis is not wiped; set CT_TEST_REDIS_FLUSHALL=1 in CI for a
real FLUSHALL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from campaigns.models import Reminder, Subscription, SweepHeartbeat
from campaigns.reminders.sender import claim_batch_size, claim_timeout, flag_stuck_claims
from campaigns.reminders.services import subscription_create
from tests.factories import CaseFactory, CaseShareFactory, OrganisationFactory

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SWEEP = "campaigns.tasks.sweep_reminders_task"


@pytest.fixture
def broker_url(on_postgres):
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.fail("these tests need a real Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/N")
    client = redis.Redis.from_url(url)
    client.flushdb()  # leftovers (unacked ticks) of an earlier run must not leak in
    return url


@pytest.fixture
def cluster(broker_url, tmp_path):
    """Start/stop worker and beat subprocesses against the test database."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    log = tmp_path / "sends.log"
    log.touch()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "REMINDER_TRANSPORT": "tests.reminders.fakes.FileCountingTransport",
        "CT_FAKE_SEND_LOG": str(log),
        "LOG_LEVEL": "WARNING",
    }
    c = Cluster(env, tmp_path, broker_url, log)
    try:
        yield c
    finally:
        c.stop_all()


class Cluster:
    def __init__(self, env, tmp_path: Path, broker_url: str, log: Path):
        self.env, self.tmp, self.log, self.procs = env, tmp_path, log, []
        self.client = Celery("tests", broker=broker_url)
        self.n = 0

    def _start(self, args, **env) -> subprocess.Popen:
        self.n += 1
        with open(self.tmp / f"proc{self.n}.log", "w") as out:  # the child keeps its own fd
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "casetracker", *args],
                cwd=settings.BASE_DIR,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches the children
            )
        self.procs.append(proc)
        return proc

    def worker(self, concurrency=2, **env) -> subprocess.Popen:
        return self._start(
            [
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                f"--hostname=w{self.n + 1}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            **env,
        )

    def beat(self, **env) -> subprocess.Popen:
        schedule = self.tmp / f"beat{self.n + 1}-schedule"
        return self._start(["beat", f"--schedule={schedule}", "--loglevel=WARNING"], **env)

    def tick(self, n=1) -> None:
        for _ in range(n):
            self.client.send_task(SWEEP)

    def kill(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            try:
                self.kill(proc)
            except ProcessLookupError:
                pass

    def sends(self) -> Counter:
        return Counter(line.split()[0] for line in self.log.read_text().splitlines() if line)

    def pids(self) -> set[str]:
        return {line.split()[1] for line in self.log.read_text().splitlines() if line}


def due_reminders(n: int, *, cases: int = 50) -> Subscription:
    """``n`` reminders due now on public cases, one email subscription."""
    owner = OrganisationFactory()
    sub = subscription_create(channel=Subscription.Channel.EMAIL, email="load@example.invalid")
    case_list = [CaseFactory(owner=owner) for _ in range(cases)]
    now = timezone.now()
    today = timezone.localdate(now)
    Reminder.objects.bulk_create(
        [
            Reminder(
                subscription=sub,
                case=case_list[i % cases],
                kind="milestone",
                occurrence_date=today + dt.timedelta(days=1 + i // cases),
                channel="email",
                due_at=now - dt.timedelta(minutes=1),
                number=100,
                title="Day 100 of detention",
                draft_text="Testy marks 100 days (fake).",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    return sub


def wait_until_drained(deadline_s: float, *, tick=None, every=5.0, orphaned_since=None) -> None:
    """Until nothing due is pending and no live process holds a claim.

    Claims taken before ``orphaned_since`` belong to killed processes: they stay
    "sending" until the timeout moves them to review, so they are not waited for.
    """
    deadline = time.monotonic() + deadline_s
    last_tick = time.monotonic()
    while time.monotonic() < deadline:
        busy = Reminder.objects.filter(state="pending", due_at__lte=timezone.now())
        claims = Reminder.objects.filter(state="sending")
        if orphaned_since is not None:
            claims = claims.filter(claimed_at__gte=orphaned_since)
        if not busy.exists() and not claims.exists():
            return
        if tick and time.monotonic() - last_tick > every:
            tick()
            last_tick = time.monotonic()
        time.sleep(0.5)
    states = Counter(Reminder.objects.values_list("state", flat=True))
    pytest.fail(f"reminders not drained in {deadline_s}s: {dict(states)}")


def assert_exactly_once(cluster: Cluster, *, allow_review: bool) -> Counter:
    sends = cluster.sends()
    twice = [d for d, n in sends.items() if n > 1]
    assert twice == [], f"{len(twice)} reminders sent more than once"
    due = Reminder.objects.filter(due_at__lte=timezone.now())
    states = Counter(due.values_list("state", flat=True))
    allowed = {"sent", "needs_review"} if allow_review else {"sent"}
    assert set(states) <= allowed, dict(states)
    sent_ids = {
        str(d) for d in Reminder.objects.filter(state="sent").values_list("delivery_id", flat=True)
    }
    assert sent_ids <= set(sends), "a row marked sent was never sent"
    unknown = set(sends) - {str(d) for d in Reminder.objects.values_list("delivery_id", flat=True)}
    assert not unknown
    return states


def test_four_concurrent_sweepers_send_10000_due_reminders_exactly_once(cluster):
    due_reminders(10_000)
    cluster.worker(concurrency=2)
    cluster.worker(concurrency=2)
    cluster.tick(4)
    wait_until_drained(240, tick=lambda: cluster.tick(4), every=60)
    states = assert_exactly_once(cluster, allow_review=False)
    assert states == {"sent": 10_000}
    assert sum(cluster.sends().values()) == 10_000
    assert len(cluster.pids()) >= 2, "the sends should come from several processes"


def sent_so_far(cluster) -> int:
    return sum(cluster.sends().values())


def wait_until_sending(cluster, above: int, timeout: float = 60) -> None:
    """Until a new worker has really started sending (its start-up time varies with load)."""
    deadline = time.monotonic() + timeout
    while sent_so_far(cluster) <= above:
        assert time.monotonic() < deadline, "the worker never started sending"
        time.sleep(0.1)


def test_sigkill_of_workers_at_random_moments_never_sends_twice(cluster):
    rng = random.Random(20220421)  # seeded: a failure can be replayed
    total = 3_000
    # 20 ms a send and 2 children: at most ~100 sends a second, so four kill rounds of a
    # few seconds each cannot drain 3,000 on a fast idle machine either.
    due_reminders(total, cases=30)
    kills = 0
    for _ in range(4):  # bounded: four kill rounds
        worker = cluster.worker(concurrency=2, CT_FAKE_SEND_DELAY="0.02")
        started = sent_so_far(cluster)
        cluster.tick(2)
        wait_until_sending(cluster, above=started)
        time.sleep(rng.uniform(0.2, 1.5))  # then a random moment mid-send
        cluster.kill(worker)
        kills += 1
    last_kill = timezone.now()
    before = sent_so_far(cluster)
    assert 0 < before < total, "the kills should land while the workers are sending"
    cluster.worker(concurrency=2)
    cluster.tick(2)
    wait_until_drained(120, tick=lambda: cluster.tick(2), every=5, orphaned_since=last_kill)
    # A sweep after the claim timeout surfaces the rows the killed processes held.
    stuck = Reminder.objects.filter(state="sending").count()
    flagged = flag_stuck_claims(now=timezone.now() + claim_timeout() + dt.timedelta(seconds=1))
    # A sweeper claims up to claim_batch_size() rows per transaction and holds one batch
    # at a time, so each killed child can strand at most one batch.
    assert flagged == stuck <= kills * 2 * claim_batch_size()
    states = assert_exactly_once(cluster, allow_review=True)
    assert states["sent"] + states["needs_review"] == total
    # The last worker went on sending after the kills. (Not "sent rows > before": a send
    # that went out just before its worker died is counted in ``before`` but its row ends
    # in needs_review.)
    assert sent_so_far(cluster) > before


def test_redis_flushed_mid_run_still_sends_everything_within_two_sweeps(cluster, broker_url):
    due_reminders(3_000, cases=30)
    cluster.worker(concurrency=2, CT_FAKE_SEND_DELAY="0.001")
    cluster.tick(2)
    time.sleep(1.5)
    client = redis.Redis.from_url(broker_url)
    client.flushall() if os.environ.get("CT_TEST_REDIS_FLUSHALL") == "1" else client.flushdb()
    cluster.tick(2)  # the next beat tick: two sweeps
    wait_until_drained(120)  # no further ticks: the two sweeps must be enough
    states = assert_exactly_once(cluster, allow_review=False)
    assert states == {"sent": 3_000}


def test_two_beat_processes_plan_and_sweep_without_duplicates(cluster):
    partner = OrganisationFactory()
    subscription_create(channel=Subscription.Channel.EMAIL, email="beat@example.invalid")
    subscription_create(
        channel=Subscription.Channel.WEBHOOK,
        webhook_url="https://partner.example.invalid/hook",
        partner=partner,
    )
    today = timezone.localdate()
    for i in range(20):  # day 100 and day 150 of detention fall today: due at once
        case = CaseFactory(detained_since=today - dt.timedelta(days=100 if i % 2 else 150))
        CaseShareFactory(case=case, organisation=partner)
    fast = {"REMINDER_SWEEP_INTERVAL_SECONDS": "1"}
    cluster.worker(concurrency=2, **fast)
    cluster.beat(**fast)
    cluster.beat(**fast)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Reminder.objects.filter(state="sent").count() < 40:
        time.sleep(0.5)
    time.sleep(3)  # more ticks from both beats after everything went out
    for proc in cluster.procs[1:]:
        cluster.kill(proc)  # the beats
    wait_until_drained(60)
    states = assert_exactly_once(cluster, allow_review=False)
    # 20 cases x (e-mail + webhook), day 100/150 today (more if an international day is)
    assert states["sent"] >= 40
    assert sum(cluster.sends().values()) == states["sent"]
    assert SweepHeartbeat.objects.get().last_plan_at is not None
