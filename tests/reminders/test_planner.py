"""The planner against the database: keys, cancellation, review items, recipients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import Reminder, Subscription
from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.services import subscription_create
from cases.models import Case, Hearing, ReviewItem
from casetracker.fields import Tier
from people.models import Membership
from tests.factories import CaseFactory, CaseShareFactory, HearingFactory, PersonFactory
from tests.reminders.conftest import at

pytestmark = pytest.mark.django_db


def rows(subscription, **kw):
    return list(
        Reminder.objects.filter(subscription=subscription, **kw)
        .order_by("occurrence_date", "kind", "lead_days")
        .values_list("kind", "occurrence_date", "lead_days", "state")
    )


def test_hearing_reminders_come_7_days_and_1_day_before(khurram, email_sub):
    HearingFactory(case=khurram, date=dt.date(2022, 1, 21), court="Fake NIA Court")
    plan_reminders(now=at(2022, 1, 1))
    assert rows(email_sub, kind="hearing") == [
        ("hearing", dt.date(2022, 1, 21), 1, "pending"),
        ("hearing", dt.date(2022, 1, 21), 7, "pending"),
    ]
    reminder = Reminder.objects.get(kind="hearing", lead_days=7)
    assert reminder.due_at == at(2022, 1, 14)
    assert reminder.draft_text.startswith(
        "Ahead of the hearing on 21 January 2022 before Fake NIA Court,"
    )


def test_a_lead_time_whose_day_has_passed_is_not_created(khurram, email_sub):
    HearingFactory(case=khurram, date=dt.date(2022, 1, 21))
    plan_reminders(now=at(2022, 1, 17))
    assert rows(email_sub, kind="hearing") == [("hearing", dt.date(2022, 1, 21), 1, "pending")]


def test_a_hearing_with_a_time_zone_is_due_at_midnight_there(khurram, email_sub):
    HearingFactory(
        case=khurram, date=dt.date(2022, 1, 21), time=dt.time(10, 0), timezone="Asia/Kolkata"
    )
    plan_reminders(now=at(2022, 1, 1))
    reminder = Reminder.objects.get(kind="hearing", lead_days=1)
    # 20 January 00:00 in Kolkata (UTC+05:30) is 19 January 18:30 UTC.
    assert reminder.due_at == at(2022, 1, 19, 18, 30)


def test_a_re_dated_hearing_cancels_its_pending_reminders_and_plans_the_new_date(
    khurram, email_sub
):
    hearing = HearingFactory(case=khurram, date=dt.date(2022, 1, 21))
    plan_reminders(now=at(2022, 1, 1))
    hearing.date = dt.date(2022, 2, 4)
    hearing.save()
    result = plan_reminders(now=at(2022, 1, 2))
    assert result.cancelled == 2
    assert rows(email_sub, kind="hearing") == [
        ("hearing", dt.date(2022, 1, 21), 1, "cancelled"),
        ("hearing", dt.date(2022, 1, 21), 7, "cancelled"),
        ("hearing", dt.date(2022, 2, 4), 1, "pending"),
        ("hearing", dt.date(2022, 2, 4), 7, "pending"),
    ]


def test_a_cancelled_hearing_cancels_and_a_restored_one_revives_the_same_rows(khurram, email_sub):
    hearing = HearingFactory(case=khurram, date=dt.date(2022, 1, 21))
    plan_reminders(now=at(2022, 1, 1))
    Hearing.objects.filter(pk=hearing.pk).update(status=Hearing.Status.CANCELLED)
    plan_reminders(now=at(2022, 1, 2))
    assert {r[3] for r in rows(email_sub, kind="hearing")} == {"cancelled"}
    Hearing.objects.filter(pk=hearing.pk).update(status=Hearing.Status.SCHEDULED)
    result = plan_reminders(now=at(2022, 1, 3))
    assert result.revived == 2
    assert Reminder.objects.filter(kind="hearing").count() == 2


def test_custody_expiry_is_reminded_from_date_plus_days(khurram, email_sub):
    HearingFactory(
        case=khurram, date=dt.date(2021, 12, 22), custody_days=30, status=Hearing.Status.HELD
    )
    plan_reminders(now=at(2022, 1, 10))
    assert rows(email_sub, kind="custody_expiry") == [
        ("custody_expiry", dt.date(2022, 1, 21), 1, "pending"),
        ("custody_expiry", dt.date(2022, 1, 21), 7, "pending"),
    ]


def test_running_the_planner_twice_creates_nothing_more(khurram, email_sub):
    HearingFactory(case=khurram, date=dt.date(2022, 5, 2))
    first = plan_reminders(now=at(2022, 4, 14))
    count = Reminder.objects.count()
    second = plan_reminders(now=at(2022, 4, 14))
    assert first.created == count > 0
    assert second.created == 0 and Reminder.objects.count() == count


def test_the_database_refuses_a_second_row_for_the_same_key(khurram, email_sub):
    plan_reminders(now=at(2022, 4, 14))
    row = Reminder.objects.filter(subscription=email_sub).first()
    row.pk = None
    row.delivery_id = None
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            **{
                f.attname: getattr(row, f.attname)
                for f in Reminder._meta.concrete_fields
                if f.attname not in ("id", "delivery_id")
            }
        )


def test_a_case_detained_since_2016_gets_no_back_fill(email_sub):
    CaseFactory(detained_since=dt.date(2016, 9, 17), person__roles=["defender"])
    plan_reminders(now=at(2026, 9, 1))
    detention = {(k, d) for k, d, _, _ in rows(email_sub) if k in ("milestone", "anniversary")}
    assert detention == {("anniversary", dt.date(2026, 9, 17))}
    assert min(r.due_at for r in Reminder.objects.all()) >= at(2026, 9, 1)


def test_a_month_precision_arrest_opens_one_review_item_and_no_milestones(email_sub):
    case = CaseFactory(detained_since=dt.date(2016, 9, 1), detained_since_precision=2)
    plan_reminders(now=at(2022, 9, 1))
    plan_reminders(now=at(2022, 9, 2))
    items = ReviewItem.objects.filter(case=case, kind=ReviewItem.Kind.MISSING_DAY)
    assert items.count() == 1
    assert items.get().tier == Tier.INTERNAL
    assert "September 2016" in items.get().message
    assert not Reminder.objects.filter(kind__in=["milestone", "anniversary"]).exists()


def test_a_month_precision_hearing_and_birth_year_open_review_items(email_sub):
    case = CaseFactory(person=PersonFactory(birth_date=dt.date(1977, 1, 1), birth_date_precision=3))
    HearingFactory(case=case, date=dt.date(2022, 2, 1), date_precision=2)
    plan_reminders(now=at(2022, 1, 10))
    messages = set(ReviewItem.objects.filter(case=case).values_list("message", flat=True))
    assert any(m.startswith("Hearing in February 2022") for m in messages)
    assert any(m.startswith("Born 1977") for m in messages)
    assert not Reminder.objects.filter(kind__in=["hearing", "birthday"]).exists()


def test_a_lawyer_gets_the_day_of_the_endangered_lawyer(email_sub):
    CaseFactory(person=PersonFactory(roles=["lawyer"]))
    plan_reminders(now=at(2023, 1, 10))
    assert ("international_day", dt.date(2023, 1, 24), 0, "pending") in rows(email_sub)


def test_kinds_and_lead_times_follow_the_subscription(khurram):
    sub = subscription_create(
        channel=Subscription.Channel.EMAIL,
        email="only-milestones@example.invalid",
        kinds=["milestone"],
        milestone_lead_days=[3],
    )
    HearingFactory(case=khurram, date=dt.date(2022, 4, 25))
    plan_reminders(now=at(2022, 4, 14))
    assert rows(sub) == [
        ("milestone", dt.date(2022, 4, 21), 3, "pending"),
        ("milestone", dt.date(2022, 6, 10), 3, "pending"),
    ]


def test_drafts_follow_the_case_language_and_fall_back_to_english(email_sub):
    CaseFactory(language="fr", person__primary_name="Testy Détenu")
    CaseFactory(language="ru", person__primary_name="Testy Zaklyuchyonny")
    plan_reminders(now=at(2022, 4, 14))
    drafts = set(Reminder.objects.filter(number=150).values_list("draft_text", flat=True))
    assert drafts == {
        "Testy Détenu compte 150 jours de détention arbitraire sur la base d'accusations "
        "infondées.",
        "Testy Zaklyuchyonny marks 150 days arbitrarily detained on baseless charges.",
    }


# -- recipients only learn what they may see ------------------------------------------------
def test_an_address_only_subscription_hears_only_of_public_consented_cases(email_sub, org_a):
    public = CaseFactory(owner=org_a)
    CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    CaseFactory(owner=org_a, consent=Case.Consent.NONE)
    plan_reminders(now=at(2022, 4, 14))
    assert set(Reminder.objects.values_list("case_id", flat=True)) == {public.pk}


def test_a_partner_webhook_hears_of_shared_cases_only(webhook_sub, partner_org, org_a):
    shared = CaseFactory(owner=org_a, tier=Tier.PARTNERS, consent=Case.Consent.PARTNERS)
    CaseShareFactory(case=shared, organisation=partner_org)
    CaseFactory(owner=org_a, tier=Tier.PARTNERS, consent=Case.Consent.PARTNERS)  # not shared
    plan_reminders(now=at(2022, 4, 14))
    assert set(Reminder.objects.values_list("case_id", flat=True)) == {shared.pk}


def test_a_staff_user_hears_of_internal_cases_of_their_organisation(org_a, org_b, make_member):
    user = make_member(org_a, Membership.Role.CAMPAIGNER)
    sub = subscription_create(channel=Subscription.Channel.EMAIL, user=user)
    own = CaseFactory(owner=org_a, tier=Tier.INTERNAL)
    CaseFactory(owner=org_b, tier=Tier.INTERNAL)
    plan_reminders(now=at(2022, 4, 14))
    assert set(Reminder.objects.filter(subscription=sub).values_list("case_id", flat=True)) == {
        own.pk
    }


def test_an_internal_hearing_is_not_reminded_to_the_public(khurram, email_sub):
    HearingFactory(case=khurram, date=dt.date(2022, 4, 25), tier=Tier.INTERNAL)
    plan_reminders(now=at(2022, 4, 14))
    assert not Reminder.objects.filter(kind="hearing").exists()


def test_a_person_not_visible_to_the_recipient_is_not_named_in_the_draft(email_sub):
    CaseFactory(
        title="Case CT-FAKE", person=PersonFactory(primary_name="Secret Name", tier="internal")
    )
    plan_reminders(now=at(2022, 4, 14))
    texts = list(Reminder.objects.values_list("draft_text", flat=True))
    assert texts and not any("Secret Name" in t for t in texts)


def test_a_case_that_stops_being_public_has_its_pending_reminders_cancelled(khurram, email_sub):
    plan_reminders(now=at(2022, 4, 14))
    Case.objects.filter(pk=khurram.pk).update(consent=Case.Consent.NONE)
    plan_reminders(now=at(2022, 4, 14))
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}


def test_new_rows_are_complete_with_own_delivery_ids_and_real_creation_time(khurram, email_sub):
    HearingFactory(case=khurram, date=dt.date(2022, 5, 2), court="Srinagar court")
    plan_reminders(now=at(2022, 4, 14))  # the clock is pinned in the past
    made = list(Reminder.objects.filter(subscription=email_sub))
    assert len(made) > 2
    assert len({r.delivery_id for r in made}) == len(made)
    assert all(r.created_at.year > 2022 and r.updated_at.year > 2022 for r in made)
    assert all(
        (r.state, r.channel, r.attempt_count, r.claim_token) == ("pending", "email", 0, None)
        for r in made
    )
    hearing = next(r for r in made if r.kind == "hearing")
    assert hearing.hearing_id and "Srinagar court" in hearing.draft_text
    assert hearing.case_id == khurram.pk and hearing.language == "en"
