"""The planner: turns what is coming into reminder rows, once per key.

Run every minute by Celery beat (``plan_reminders_task``) or by
``manage.py plan_reminders``. Each run is idempotent:
- a row is created at most once per (case, kind, occurrence date, subscription, channel,
  lead time) — a database UniqueConstraint, so two planners racing create one row;
- only occurrences from today to today + horizon are considered (no back-fill storm), and
  a lead time whose day has passed is not created (a late "7 days before" is noise);
- a pending row whose occurrence no longer exists (hearing re-dated or cancelled, case
  released or no longer visible to the recipient) is cancelled; it comes back to pending
  if the occurrence comes back (the unique key forbids a second row);
- month/year-precision dates produce no reminder but one review item asking for the day.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Reminder, Subscription
from campaigns.reminders import rules
from campaigns.reminders.drafts import Draft
from campaigns.reminders.heartbeat import touch_heartbeat
from campaigns.reminders.selectors import (
    PlanningCase,
    PlanningHearing,
    Upcoming,
    drafted_occurrences,
    planning_rows,
    subscription_viewer,
)
from cases.models import Case, Hearing, ReviewItem
from casetracker.fields import Tier
from casetracker.visibility import Viewer, visible
from people.models import Person

log = logging.getLogger("casetracker.reminders")

# The planner's own reads for review items: every case up to internal, never restricted.
SYSTEM_VIEWER = Viewer(user_id=0, is_superuser=True)

Key = tuple[int, str, dt.date, int]  # case, kind, occurrence date, lead days


@dataclass
class PlanResult:
    created: int = 0
    revived: int = 0
    cancelled: int = 0
    rescheduled: int = 0
    review_items: int = 0
    subscriptions: int = 0
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.subscriptions} subscriptions: {self.created} reminders created, "
            f"{self.revived} revived, {self.rescheduled} rescheduled, {self.cancelled} "
            f"cancelled; {self.review_items} review items opened"
        )


def horizon_days() -> int:
    return int(getattr(settings, "REMINDER_HORIZON_DAYS", 60))


def due_at_for(occurrence: rules.Occurrence, lead_days: int) -> dt.datetime:
    """Midnight at the start of the due day, in the hearing's time zone when known."""
    tz = zoneinfo.ZoneInfo(occurrence.tz) if occurrence.tz else timezone.get_default_timezone()
    day = occurrence.date - dt.timedelta(days=lead_days)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


def leads_for(subscription: Subscription, kind: str) -> list[int]:
    leads = (
        subscription.hearing_lead_days
        if kind in rules.HEARING_KINDS
        else subscription.milestone_lead_days
    )
    return sorted({int(n) for n in leads or []})


def plan_reminders(*, now: dt.datetime | None = None) -> PlanResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = (today, today + dt.timedelta(days=horizon_days()))
    result = PlanResult()
    result.review_items = open_missing_day_reviews(today=today)
    subs = Subscription.objects.filter(active=True).select_related("user__membership")
    shared = DraftCache(window)
    for subscription in subs:
        plan_subscription(
            subscription=subscription, now=now, window=window, result=result, drafts=shared
        )
        result.subscriptions += 1
    touch_heartbeat(last_plan_at=timezone.now())
    log.info("planner: %s", result)
    return result


def desired_rows(
    subscription: Subscription, upcoming: list[Upcoming]
) -> dict[Key, tuple[Upcoming, int]]:
    return wanted_rows(subscription, ((u.case.pk, u.occurrence, u) for u in upcoming))


def wanted_rows(subscription: Subscription, items) -> dict[Key, tuple[object, int]]:
    """Key → (item, lead) for ``(case id, occurrence, item)`` triples, in the given order.

    The subscription's kinds and lead times decide; the first item wins a key.
    """
    kinds = set(subscription.kinds or rules.HEARING_KINDS | rules.DETENTION_KINDS)
    leads = {kind: leads_for(subscription, kind) for kind in kinds}
    wanted: dict[Key, tuple[object, int]] = {}
    for case_id, occ, item in items:
        for lead in leads.get(occ.kind, ()):
            wanted.setdefault((case_id, occ.kind, occ.date, lead), (item, lead))
    return wanted


class DraftCache:
    """Occurrences and drafts per distinct planning input, shared by a run's subscriptions.

    ``drafted_occurrences`` is pure in (case columns, visible person, visible hearings,
    window); the campaigners of several organisations see largely the same cases, so each
    case is computed once, not once per subscription. The key is the whole input — what
    this subscription's viewer may see — so a case read with its person hidden, or with
    fewer hearings, has its own entry and never gets another viewer's draft.
    """

    def __init__(self, window: rules.Window):
        self.window = window
        self._entries: dict[tuple, list[tuple[rules.Occurrence, Draft]]] = {}

    def get(self, case: PlanningCase, hearings: tuple[PlanningHearing, ...]):
        key = (case[1:], hearings)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = drafted_occurrences(
                detained=case.detained,
                detained_since=case.detained_since,
                person=case.person,
                fallback_name=case.fallback_name,
                language=case.language,
                hearings=hearings,
                window=self.window,
            )
        return entry


def planned_items(subscription: Subscription, window: rules.Window, drafts: DraftCache):
    """``(case id, occurrence, (occurrence, draft))`` for every visible case, ordered as
    ``upcoming_for`` orders its items."""
    viewer = subscription_viewer(subscription)
    cases, hearings = planning_rows(subscription, viewer, window)
    items = [
        (case.pk, entry[0], entry)
        for case in cases
        for entry in drafts.get(case, hearings.get(case.pk, ()))
    ]
    items.sort(key=lambda i: (i[1].date, i[0], i[1].kind))
    return items


@dataclass(frozen=True)
class _Existing:
    pk: int
    state: str
    due_at: dt.datetime


@transaction.atomic
def plan_subscription(
    *,
    subscription: Subscription,
    now: dt.datetime,
    window: rules.Window,
    result: PlanResult,
    drafts: DraftCache | None = None,
) -> None:
    drafts = drafts if drafts is not None else DraftCache(window)
    wanted = wanted_rows(subscription, planned_items(subscription, window, drafts))
    existing = {
        (case_id, kind, day, lead): _Existing(pk, state, due_at)
        for pk, case_id, kind, day, lead, state, due_at in subscription.reminders.filter(
            occurrence_date__gte=window[0]
        ).values_list("pk", "case_id", "kind", "occurrence_date", "lead_days", "state", "due_at")
    }
    new, revive, reschedule = [], [], []
    due_ats: dict[tuple, dt.datetime] = {}  # a few dozen distinct (day, zone, lead)
    for key, ((occ, draft), lead) in wanted.items():
        due_at = due_ats.get((occ.date, occ.tz, lead))
        if due_at is None:
            due_at = due_ats[occ.date, occ.tz, lead] = due_at_for(occ, lead)
        row = existing.get(key)
        if row is None:
            if due_at.date() >= window[0]:
                new.append(_new_values(key[0], occ, draft, lead, due_at))
        elif row.state == Reminder.State.CANCELLED and due_at.date() >= window[0]:
            revive.append(row.pk)
        elif row.state == Reminder.State.PENDING and row.due_at != due_at:
            reschedule.append((row.pk, due_at))
    gone = [r.pk for k, r in existing.items() if k not in wanted and r.state == "pending"]
    insert_new_rows(subscription, new)
    result.created += len(new)
    result.revived += Reminder.objects.filter(pk__in=revive, state="cancelled").update(
        state=Reminder.State.PENDING
    )
    for pk, due_at in reschedule:
        result.rescheduled += Reminder.objects.filter(pk=pk, state="pending").update(due_at=due_at)
    # Only pending rows: a row the sender has claimed is left to the sender.
    result.cancelled += Reminder.objects.filter(pk__in=gone, state="pending").update(
        state=Reminder.State.CANCELLED
    )


# Columns of a new row that vary, in the order _new_values gives them. The others are the
# same for every row of a subscription (SUBSCRIPTION_COLUMNS) or set by the database
# (delivery_id: gen_random_uuid() on PostgreSQL, the field's uuid4 default elsewhere).
NEW_COLUMNS = (
    "case_id",
    "hearing_id",
    "kind",
    "occurrence_date",
    "lead_days",
    "due_at",
    "number",
    "title",
    "draft_text",
    "language",
)
SUBSCRIPTION_COLUMNS = ("subscription_id", "channel", "state", "attempt_count", "last_error_class")


def _new_values(case_id: int, occ: rules.Occurrence, draft: Draft, lead: int, due_at) -> tuple:
    return (
        case_id,
        occ.hearing_id,
        occ.kind,
        occ.date,
        lead,
        due_at,
        occ.number,
        draft.title[:255],
        draft.text,
        draft.language,
    )


def _subscription_values(subscription: Subscription) -> tuple:
    return (subscription.pk, subscription.channel, Reminder.State.PENDING, 0, "")


def insert_new_rows(subscription: Subscription, rows: list[tuple]) -> None:
    """Insert new reminders; a key that exists already (a concurrent planner) is skipped.

    PostgreSQL: COPY of the varying columns into a temporary table, then one INSERT …
    SELECT … ON CONFLICT DO NOTHING with the subscription's constant columns as parameters
    and ``gen_random_uuid()`` for the delivery id — the same statement as
    ``bulk_create(ignore_conflicts=True)`` without building and binding hundreds of
    thousands of model instances (or uuid4 objects). Elsewhere: ``bulk_create``.
    """
    if not rows:
        return
    constant = dict(zip(SUBSCRIPTION_COLUMNS, _subscription_values(subscription), strict=True))
    if connection.vendor != "postgresql":
        Reminder.objects.bulk_create(
            [Reminder(**constant, **dict(zip(NEW_COLUMNS, row, strict=True))) for row in rows],
            ignore_conflicts=True,
            batch_size=2000,
        )
        return
    table = Reminder._meta.db_table
    staged = ", ".join(NEW_COLUMNS)
    columns = ", ".join((*NEW_COLUMNS, *SUBSCRIPTION_COLUMNS, "created_at", "updated_at"))
    params = [*constant.values(), *(timezone.now(),) * 2]  # real time, as auto_now_add would
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS reminder_plan_new AS "  # noqa: S608
            f"SELECT {staged} FROM {table} WITH NO DATA"
        )
        cursor.execute("TRUNCATE reminder_plan_new")
        with cursor.cursor.copy(f"COPY reminder_plan_new ({staged}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        constants = ", ".join(["%s"] * len(params))
        cursor.execute(
            f"INSERT INTO {table} ({columns}, delivery_id) "  # noqa: S608
            f"SELECT {staged}, {constants}, gen_random_uuid() "
            "FROM reminder_plan_new ON CONFLICT DO NOTHING",
            params,
        )
        cursor.execute("TRUNCATE reminder_plan_new")


# -- review items: a date without a day cannot be reminded of ------------------------------
def open_missing_day_reviews(*, today: dt.date) -> int:
    """One ReviewItem (kind missing_day) per imprecise date that would drive a reminder."""
    wanted = [*_imprecise_arrests(), *_imprecise_birthdays(), *_imprecise_hearings(today)]
    if not wanted:
        return 0
    have = set(
        ReviewItem.objects.filter(
            case_id__in={c for c, _, _ in wanted}, fingerprint__startswith="reminders:"
        ).values_list("case_id", "fingerprint")
    )
    items = [
        ReviewItem(
            case_id=case_id,
            kind=ReviewItem.Kind.MISSING_DAY,
            message=message,
            fingerprint=fingerprint,
            tier=Tier.INTERNAL,
        )
        for case_id, fingerprint, message in wanted
        if (case_id, fingerprint) not in have
    ]
    # The partial unique index on (case, fingerprint) makes a concurrent run harmless.
    ReviewItem.objects.bulk_create(items, ignore_conflicts=True)
    return len(items)


def _partial_columns(name: str) -> list[str]:
    """The four columns behind a ``PartialDateField`` (the review pass reads only those)."""
    return [name, f"{name}_precision", f"{name}_approximate", f"{name}_as_written"]


def _detained_cases():
    return visible(SYSTEM_VIEWER, Case, Case.objects.detained())


def _imprecise_arrests():
    inexact = Q(detained_since_precision__gt=1) | Q(detained_since_approximate=True)
    qs = _detained_cases().filter(inexact, detained_since__isnull=False)
    for case in qs.only(*_partial_columns("detained_since")):
        when = case.detained_since_partial
        yield (
            case.pk,
            f"reminders:missing-day:detained_since:{when.edtf()}",
            f"Detained since {when}: give the exact day of arrest so that detention "
            "milestones and anniversaries can be reminded.",
        )


def _imprecise_birthdays():
    people = visible(SYSTEM_VIEWER, Person, Person.objects.all())
    inexact = Q(person__birth_date_precision__gt=1) | Q(person__birth_date_approximate=True)
    qs = _detained_cases().filter(
        inexact, person__birth_date__isnull=False, person__in=people.values("pk")
    )
    for case in qs.select_related("person").only(*_partial_columns("person__birth_date")):
        born = case.person.birth_date_partial
        yield (
            case.pk,
            f"reminders:missing-day:birth_date:{born.edtf()}",
            f"Born {born}: give the exact birth date so that a birthday in detention can "
            "be reminded.",
        )


def _imprecise_hearings(today: dt.date):
    this_month = today.replace(day=1)
    qs = Hearing.objects.filter(
        status=Hearing.Status.SCHEDULED, date_precision__gt=1, date__gte=this_month.replace(month=1)
    )
    for hearing in visible(SYSTEM_VIEWER, Hearing, qs):
        when = hearing.date_partial
        if when.latest < today:
            continue
        yield (
            hearing.case_id,
            f"reminders:missing-day:hearing:{hearing.pk}:{when.edtf()}",
            f"Hearing in {when}: give the exact day so that the hearing can be reminded.",
        )
