"""Reads for the reminder engine. Every one goes through ``casetracker.visibility``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from campaigns.models import Subscription
from campaigns.reminders import rules
from campaigns.reminders.drafts import Draft, draft_for
from cases.models import Case, Hearing
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
        courts = {h.pk: h.court for h in hearings.get(case.pk, [])}
        occurrences = rules.case_occurrences(
            detained=case.is_detained,
            detained_since=case.detained_since_partial,
            birth_date=person.birth_date_partial if person else None,
            roles=person.roles if person else [],
            hearings=hearings.get(case.pk, []),
            window=window,
        )
        name = person.primary_name if person else (case.group_name or case.title)
        for occ in occurrences:
            draft = draft_for(
                occ, name=name, language=case.language, court=courts.get(occ.hearing_id, "")
            )
            out.append(Upcoming(case, occ, draft))
    out.sort(key=lambda u: (u.occurrence.date, u.case.pk, u.occurrence.kind))
    return out
