"""Writes the change log the partner change feed (/api/v1/changes/) reads.

Model signals rather than service calls, so that every path that saves a record — the
API's services, the admin, the importers' services — logs it. ``QuerySet.update()`` and
``bulk_create()`` bypass signals: code using them on these models must call
``log_changes()`` itself.

Commit order: ids come from a sequence when the row is inserted, not when its transaction
commits, so a reader could see id 11 before a slower transaction commits id 10 and skip it
forever. On PostgreSQL an advisory transaction lock is taken before inserting; it is held
until commit, so change-log ids are handed out in commit order (writers of these records
queue for the end of each other's transaction — acceptable for caseworker-speed writes).
SQLite has one writer at a time anyway.

What changed is all we store; whether a caller may see it, and what it looks like, is
decided at read time by the visibility layer.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from casetracker.copyinsert import insert_values

CHANGELOG_LOCK_KEY = 0x63745F66656564  # "ct_feed"
FIELDS = ("kind", "object_id", "action", "at")

# kind -> "app_label.ModelName"; the order is also the order a mirror should apply them in.
FEED_KINDS = {
    "organisation": "people.Organisation",
    "person": "people.Person",
    "case": "cases.Case",
    "source": "cases.Source",
    "event": "cases.TimelineEvent",
    "charge": "cases.Charge",
    "hearing": "cases.Hearing",
    "detention": "cases.Detention",
    "campaign": "campaigns.Campaign",
}
CASE_CHILD_KINDS = ("source", "event", "charge", "hearing", "detention")
# Case fields that decide who may see the case and everything in it.
CASE_VISIBILITY_FIELDS = ("tier", "consent", "verdict_reached", "owner_id", "person_id")


def feed_model(kind: str):
    from django.apps import apps

    return apps.get_model(FEED_KINDS[kind])


def kind_of(model) -> str | None:
    label = model._meta.label
    return next((k for k, v in FEED_KINDS.items() if v == label), None)


def log_changes(records: Iterable[tuple[str, int]], action: str = "save") -> None:
    from cases.models import ChangeLogEntry

    records = list(records)
    if not records:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGELOG_LOCK_KEY])
        # Plain values, no model instances (an import logs thousands of records at once),
        # and one time for one write, taken under the lock as auto_now_add would.
        at = timezone.now()
        rows = [(kind, pk, action, at) for kind, pk in records]
        insert_values(ChangeLogEntry, FIELDS, rows)  # COPY on PostgreSQL


def case_tree(case_ids: Iterable[int]) -> list[tuple[str, int]]:
    """A case, its person and every record in it: what a visibility change can affect."""
    from cases.models import Case

    case_ids = list(case_ids)
    records = [("case", pk) for pk in case_ids]
    people = Case.objects.filter(pk__in=case_ids, person__isnull=False)
    records += [("person", pk) for pk in people.values_list("person_id", flat=True)]
    for kind in CASE_CHILD_KINDS:
        ids = feed_model(kind).objects.filter(case_id__in=case_ids).order_by("pk")
        records += [(kind, pk) for pk in ids.values_list("pk", flat=True)]
    # Campaigns list the cases their reader may see.
    campaigns = Case.campaigns.through.objects.filter(case_id__in=case_ids)
    records += [("campaign", pk) for pk in campaigns.values_list("campaign_id", flat=True)]
    return records


# -- receivers ------------------------------------------------------------------------------
def _remember_case_state(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._feed_before = None
        return
    instance._feed_before = (
        type(instance).objects.filter(pk=instance.pk).values(*CASE_VISIBILITY_FIELDS).first()
    )


def _case_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_feed_before", None)
    after = {f: getattr(instance, f) for f in CASE_VISIBILITY_FIELDS}
    if created or before is None:
        person = [("person", instance.person_id)] if instance.person_id else []
        log_changes([("case", instance.pk), *person])
    elif before != after:
        records = case_tree([instance.pk])
        if before["person_id"] and before["person_id"] != instance.person_id:
            records.append(("person", before["person_id"]))
        log_changes(records)
    else:
        log_changes([("case", instance.pk)])


def _case_deleted(sender, instance, **kwargs):
    log_changes([("case", instance.pk)], action="delete")
    if instance.person_id:
        log_changes([("person", instance.person_id)])


def _record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    kind = kind_of(sender)
    # The case shows current charges, detention and next hearing: it changed too.
    log_changes([(kind, instance.pk), ("case", instance.case_id)])


def _record_deleted(sender, instance, **kwargs):
    log_changes([(kind_of(sender), instance.pk)], action="delete")
    from cases.models import Case

    if Case.objects.filter(pk=instance.case_id).exists():  # not part of a case deletion
        log_changes([("case", instance.case_id)])


def _person_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        cases = instance.cases.values_list("pk", flat=True)
        log_changes([("person", instance.pk), *[("case", pk) for pk in cases]])


def _alias_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        log_changes([("person", instance.person_id)])


def _simple_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        log_changes([(kind_of(sender), instance.pk)])


def _simple_deleted(sender, instance, **kwargs):
    log_changes([(kind_of(sender), instance.pk)], action="delete")


def _share_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        log_changes(case_tree([instance.case_id]))


def _campaign_cases_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # instance is a case; pk_set are campaigns
        case_ids = [instance.pk]
        campaign_ids = list(pk_set or instance.campaigns.values_list("pk", flat=True))
    else:
        campaign_ids = [instance.pk]
        case_ids = list(pk_set or instance.cases.values_list("pk", flat=True))
    log_changes([("campaign", pk) for pk in campaign_ids] + [("case", pk) for pk in case_ids])


def _campaign_organisers_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        ids = list(pk_set or [])
        log_changes([("campaign", pk) for pk in ids])
    else:
        log_changes([("campaign", instance.pk)])


def connect() -> None:
    from campaigns.models import Campaign
    from cases.models import Case, CaseShare
    from people.models import Organisation, Person, PersonAlias

    uid = "casetracker-changefeed"
    pre_save.connect(_remember_case_state, sender=Case, dispatch_uid=f"{uid}-case-pre")
    post_save.connect(_case_saved, sender=Case, dispatch_uid=f"{uid}-case")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid=f"{uid}-case-del")
    for kind in CASE_CHILD_KINDS:
        model = feed_model(kind)
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"{uid}-{kind}")
        post_delete.connect(_record_deleted, sender=model, dispatch_uid=f"{uid}-{kind}-del")
    post_save.connect(_person_saved, sender=Person, dispatch_uid=f"{uid}-person")
    post_delete.connect(_simple_deleted, sender=Person, dispatch_uid=f"{uid}-person-del")
    post_save.connect(_alias_changed, sender=PersonAlias, dispatch_uid=f"{uid}-alias")
    post_delete.connect(_alias_changed, sender=PersonAlias, dispatch_uid=f"{uid}-alias-del")
    for model in (Organisation, Campaign):
        post_save.connect(_simple_saved, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
        post_delete.connect(
            _simple_deleted, sender=model, dispatch_uid=f"{uid}-{model.__name__}-del"
        )
    post_save.connect(_share_changed, sender=CaseShare, dispatch_uid=f"{uid}-share")
    post_delete.connect(_share_changed, sender=CaseShare, dispatch_uid=f"{uid}-share-del")
    m2m_changed.connect(
        _campaign_cases_changed, sender=Campaign.cases.through, dispatch_uid=f"{uid}-cc"
    )
    m2m_changed.connect(
        _campaign_organisers_changed,
        sender=Campaign.organisers.through,
        dispatch_uid=f"{uid}-co",
    )
