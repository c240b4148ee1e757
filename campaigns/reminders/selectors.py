"""Reads for the reminder engine. Every one goes through ``casetracker.visibility``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from campaigns.models import Subscription
from campaigns.reminders import rules
from campaigns.reminders.drafts import Draft, draft_for
from cases.models import Case, Hearing
from casetracker.partialdate import PartialDate, Precision
from casetracker.visibility import Viewer, visible
from people.models import Person

# A partner webhook reads as a partner account of its organisation would; no real user
# stands behind it, so a sentinel id marks the viewer as authenticated.
SERVICE_USER_ID = 0


def subscription_viewer(subscription: Subscription) -> Viewer:
    """Whose eyes a subscription reads with: never restricted (e-mails, webhooks, feeds)."""
    if subscription.user_id is not None:
        return Viewer.for_user(subscription.user).without_restricted()
    if subscription.channel == Subscription.Channel.WEBHOOK and subscription.partner_id:
        return Viewer(
            user_id=SERVICE_USER_ID, organisation_id=subscription.partner_id, role="partner"
        )
    return Viewer.anonymous()


def scoped_cases(
    viewer: Viewer, *, case_id=None, country="", campaign_id=None, qs: QuerySet | None = None
) -> QuerySet:
    """The cases ``viewer`` may see, narrowed to a subscription's or a page's scope."""
    qs = visible(viewer, Case, qs if qs is not None else Case.objects.all())
    if case_id:
        qs = qs.filter(pk=case_id)
    if country:
        qs = qs.filter(country=country)
    if campaign_id:
        qs = qs.filter(campaigns__id=campaign_id)
    return qs.select_related("person").order_by("pk")


def subscription_cases(subscription: Subscription, viewer: Viewer) -> QuerySet:
    return scoped_cases(
        viewer,
        case_id=subscription.case_id,
        country=subscription.country,
        campaign_id=subscription.campaign_id,
    )


@dataclass(frozen=True)
class Upcoming:
    """One occurrence on one case, with its drafted alert, as a given viewer may see it."""

    case: Case
    occurrence: rules.Occurrence
    draft: Draft


def visible_hearings(viewer: Viewer, case_ids: list[int], window: rules.Window) -> QuerySet:
    start, end = window
    # Custody can run out inside the window long after the hearing that extended it.
    near = (
        Q(date__gte=start, date__lte=end)
        | Q(custody_until__gte=start)
        | Q(custody_days__isnull=False, date__gte=start - dt.timedelta(days=400))
    )
    qs = Hearing.objects.filter(near, case_id__in=case_ids)
    return visible(viewer, Hearing, qs).order_by("date", "time", "pk")


# What the planner reads of a case and its person (no encrypted columns to decrypt).
PLANNING_FIELDS = (
    "status",
    "detained_since",
    "detained_since_precision",
    "detained_since_approximate",
    "detained_since_as_written",
    "language",
    "group_name",
    "title",
    "person__primary_name",
    "person__roles",
    "person__birth_date",
    "person__birth_date_precision",
    "person__birth_date_approximate",
    "person__birth_date_as_written",
)


# The same columns with the person's roles read as text (decoded once per distinct list).
PLANNING_FIELDS_NO_ROLES = tuple(f for f in PLANNING_FIELDS if f != "person__roles")


def planning_cases(subscription: Subscription, viewer: Viewer) -> QuerySet:
    """``subscription_cases`` with only the columns the occurrence rules and drafts use."""
    return subscription_cases(subscription, viewer).only(*PLANNING_FIELDS)


def upcoming_for(viewer: Viewer, cases: list[Case], window: rules.Window) -> list[Upcoming]:
    """Occurrences for ``cases`` (already visible to ``viewer``) with drafts. 2 queries."""
    ids = [c.pk for c in cases]
    hearings: dict[int, list[Hearing]] = {}
    for hearing in visible_hearings(viewer, ids, window):
        hearings.setdefault(hearing.case_id, []).append(hearing)
    person_ids = {c.person_id for c in cases if c.person_id}
    seen_people = set(
        visible(viewer, Person, Person.objects.filter(pk__in=person_ids)).values_list(
            "pk", flat=True
        )
    )
    out = []
    for case in cases:
        person = case.person if case.person_id in seen_people else None
        for occ, draft in drafted_occurrences(
            detained=case.is_detained,
            detained_since=case.detained_since_partial,
            person=(
                (person.primary_name, person.roles, person.birth_date_partial) if person else None
            ),
            fallback_name=case.group_name or case.title,
            language=case.language,
            hearings=hearings.get(case.pk, []),
            window=window,
        ):
            out.append(Upcoming(case, occ, draft))
    out.sort(key=lambda u: (u.occurrence.date, u.case.pk, u.occurrence.kind))
    return out


def drafted_occurrences(
    *, detained, detained_since, person, fallback_name, language, hearings, window
) -> list[tuple[rules.Occurrence, Draft]]:
    """One case's occurrences inside ``window``, each with its draft, in rule order.

    ``person`` is ``(name, roles, birth date)`` when the recipient may see the person, else
    None (then the draft names the group or the case title, and no birthday is computed).
    Pure: the planner computes it once per distinct input and shares it between
    subscriptions.
    """
    courts = {h.pk: h.court for h in hearings}
    name, roles, birth_date = person if person else (fallback_name, [], None)
    occurrences = rules.case_occurrences(
        detained=detained,
        detained_since=detained_since,
        birth_date=birth_date,
        roles=roles,
        hearings=hearings,
        window=window,
    )
    return [
        (occ, draft_for(occ, name=name, language=language, court=courts.get(occ.hearing_id, "")))
        for occ in occurrences
    ]


# -- the planner's reads: tuples, not model instances (it reads every visible case) -------
class PlanningHearing(NamedTuple):
    """What the occurrence rules and drafts read of a hearing (duck-types ``Hearing``)."""

    pk: int
    case_id: int
    date: dt.date
    date_precision: int
    status: str
    time: dt.time | None
    timezone: str
    custody_until: dt.date | None
    custody_days: int | None
    court: str


class PlanningCase(NamedTuple):
    """A visible case's planning columns; ``person`` only when the person is visible too."""

    pk: int
    detained: bool
    detained_since: PartialDate | None
    person: tuple | None  # (primary name, roles, birth date) or None
    fallback_name: str
    language: str


def _memo_partial(memo: dict, columns: list) -> PartialDate | None:
    """The PartialDate of (value, precision, approximate, as written), built once per run."""
    key = tuple(columns)
    if key not in memo:
        value, precision, approximate, as_written = key
        memo[key] = (
            None
            if value is None
            else PartialDate(value, Precision(precision), approximate, as_written)
        )
    return memo[key]


def planning_rows(
    subscription: Subscription, viewer: Viewer, window: rules.Window
) -> tuple[list[PlanningCase], dict[int, tuple[PlanningHearing, ...]]]:
    """The subscription's visible cases and their visible hearings near ``window``. 3 queries.

    The same reads as ``planning_cases`` + ``upcoming_for`` (every one through
    ``visible()``), but as tuples, and with the case scope passed to the hearing and person
    queries as a subquery instead of a list of up to 100,000 ids.
    """
    cases_qs = subscription_cases(subscription, viewer)
    people = set(
        visible(
            viewer, Person, Person.objects.filter(pk__in=cases_qs.values("person_id"))
        ).values_list("pk", flat=True)
    )
    start, end = window
    near = (
        Q(date__gte=start, date__lte=end)
        | Q(custody_until__gte=start)
        | Q(custody_days__isnull=False, date__gte=start - dt.timedelta(days=400))
    )
    hearing_qs = visible(
        viewer, Hearing, Hearing.objects.filter(near, case_id__in=cases_qs.values("pk"))
    ).order_by("date", "time", "pk")
    hearings: dict[int, list[PlanningHearing]] = {}
    for row in hearing_qs.values_list(*PlanningHearing._fields):
        hearings.setdefault(row[1], []).append(PlanningHearing(*row))
    detained_statuses = set(Case.DETAINED_STATUSES)
    partials: dict[tuple, PartialDate | None] = {}  # a few thousand distinct dates
    roles_of: dict[str | None, tuple[str, ...]] = {}  # a handful of distinct role lists
    cases = []
    rows = cases_qs.annotate(roles_text=Cast("person__roles", TextField())).values_list(
        "pk", "person_id", *PLANNING_FIELDS_NO_ROLES, "roles_text"
    )
    for row in rows:
        pk, person_id, status, language, group, title, name, roles = (
            row[0], row[1], row[2], row[7], row[8], row[9], row[10], row[15]
        )  # fmt: skip
        since, born = row[3:7], row[11:15]
        if status not in detained_statuses and pk not in hearings:
            continue  # no occurrence can come of it (rules.case_occurrences)
        person = None
        if person_id in people:
            if roles not in roles_of:
                roles_of[roles] = tuple(json.loads(roles) or ()) if roles else ()
            person = (name, roles_of[roles], _memo_partial(partials, born))
        cases.append(
            PlanningCase(
                pk=pk,
                detained=status in detained_statuses,
                detained_since=_memo_partial(partials, since),
                person=person,
                fallback_name=group or title,
                language=language,
            )
        )
    return cases, {k: tuple(v) for k, v in hearings.items()}
