"""The planner's tuple reads and shared drafts plan exactly what the per-viewer path plans.

``plan_subscription`` reads cases and hearings as tuples (``planning_rows``) and shares
occurrences and drafts between subscriptions (``DraftCache``). The reference is the
model-instance path the calendar feed and the Upcoming page use (``planning_cases`` +
``upcoming_for`` + ``desired_rows``), every read of it through ``visible()``. Both must
give the same keys, occurrences and drafts for every kind of recipient, in any order of
subscriptions, so that no recipient gets a draft computed for another one's eyes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from campaigns.models import Subscription
from campaigns.reminders.planner import DraftCache, desired_rows, planned_items, wanted_rows
from campaigns.reminders.selectors import planning_cases, subscription_viewer, upcoming_for
from campaigns.reminders.services import subscription_create
from cases.models import Case, Hearing
from casetracker.fields import Tier
from people.models import Membership
from tests.factories import CaseFactory, CaseShareFactory, HearingFactory, PersonFactory

pytestmark = pytest.mark.django_db

WINDOW = (dt.date(2022, 4, 14), dt.date(2022, 6, 13))
TIERS = [Tier.PUBLIC, Tier.PARTNERS, Tier.INTERNAL, Tier.RESTRICTED]


def _world(rng: random.Random, owners, partner):
    """Cases of every status, tier and consent; people and hearings of every tier."""
    for n in range(40):
        born, precision = rng.choice(
            [(None, 1), (dt.date(1980, 5, n % 28 + 1), 1), (dt.date(1975, 1, 1), 3)]
        )
        person = PersonFactory(
            primary_name=f"Testy Shared {n}",
            tier=rng.choice(TIERS),
            roles=rng.choice([["defender"], ["lawyer"], []]),
            birth_date=born,
            birth_date_precision=precision,
        )
        individual = rng.random() < 0.8
        case = CaseFactory(
            person=person if individual else None,
            kind="individual" if individual else "group",
            title=f"Case {n}",
            group_name="" if individual else f"Group {n}",
            owner=rng.choice(owners),
            tier=rng.choice(TIERS),
            consent=rng.choice([Case.Consent.PUBLIC, Case.Consent.PARTNERS, Case.Consent.NONE]),
            status=rng.choice([Case.Status.DETAINED, Case.Status.RELEASED, Case.Status.SENTENCED]),
            detained_since=dt.date(2021, 11, 22) - dt.timedelta(days=rng.randrange(0, 900)),
            language=rng.choice(["en", "fr", "es", "ru"]),
        )
        if rng.random() < 0.4:
            CaseShareFactory(
                case=case, organisation=partner, tier=rng.choice([Tier.PARTNERS, Tier.INTERNAL])
            )
        for _ in range(rng.randrange(0, 3)):
            HearingFactory(
                case=case,
                date=WINDOW[0] + dt.timedelta(days=rng.randrange(-30, 70)),
                tier=rng.choice(TIERS),
                court=f"Court {rng.randrange(5)}",
                status=rng.choice([Hearing.Status.SCHEDULED, Hearing.Status.HELD]),
                custody_days=rng.choice([None, 15, 30]),
            )


def _reference(subscription):
    viewer = subscription_viewer(subscription)
    upcoming = upcoming_for(viewer, list(planning_cases(subscription, viewer)), WINDOW)
    return {
        key: (item.occurrence, item.draft, lead)
        for key, (item, lead) in desired_rows(subscription, upcoming).items()
    }


def _planned(subscription, drafts):
    items = planned_items(subscription, WINDOW, drafts)
    return {
        key: (occ, draft, lead)
        for key, ((occ, draft), lead) in wanted_rows(subscription, items).items()
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_shared_planning_equals_the_per_viewer_path_for_every_recipient(
    seed, org_a, org_b, make_member
):
    rng = random.Random(seed)
    partner = org_b
    _world(rng, [org_a, org_b], partner)
    subs = [
        subscription_create(channel=Subscription.Channel.EMAIL, email="pub@example.invalid"),
        subscription_create(
            channel=Subscription.Channel.EMAIL,
            user=make_member(org_a, Membership.Role.CAMPAIGNER, restricted=True),
        ),
        subscription_create(
            channel=Subscription.Channel.EMAIL,
            user=make_member(org_b, Membership.Role.CAMPAIGNER),
        ),
        subscription_create(
            channel=Subscription.Channel.WEBHOOK,
            webhook_url="https://partner.example.invalid/hook",
            partner=partner,
            webhook_secret="s3cret-for-tests",
        ),
    ]
    expected = {s.pk: _reference(s) for s in subs}
    assert any(expected.values())
    for order in itertools.permutations(subs):
        drafts = DraftCache(WINDOW)  # one cache for the run, as plan_reminders shares it
        for subscription in order:
            assert _planned(subscription, drafts) == expected[subscription.pk]
