"""The audit trail: who changed or read what, when, from where (people.models.AuditEntry).

How writes are captured, and why in Python rather than in database triggers:
- ``Model.save()`` and ``delete()`` (single rows, admin, services, cascades, and
  ``QuerySet.delete()``, which Django runs row by row once a delete receiver exists) are
  caught by pre/post save and post delete receivers connected to every model whose
  manager is built on ``AuditedQuerySet``;
- ``QuerySet.update()`` and ``bulk_create()`` send no signals, so ``AuditedQuerySet``
  overrides them: it snapshots the affected rows, runs the update, and writes one
  ``bulk_update`` row per changed record in the same transaction.
Triggers would also catch raw SQL, but they cannot know the request's user and address
without per-connection session variables, would need a second implementation for
SQLite, and cannot tell ciphertext columns from others to mask them. Raw SQL against
case tables is not part of the app; the append-only guarantee of the trail itself *is*
enforced by a PostgreSQL trigger (people/migrations), because there the threat is the app.

The actor: a request sets it (AuditContextMiddleware: the signed-in user and the client address);
a management command or a Celery task sets ``system_actor("<name>")``. Rows written with
neither are attributed to ``system:unattributed`` so a gap is visible, not silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from casetracker.copyinsert import insert_rows, insert_values
from casetracker.crypto import (
    MASK,
    EncryptedTextField,
    RestrictedText,
    reseal_rows,
    sealed_fields,
)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    ip_address: str | None


_request: ContextVar[object | None] = ContextVar("casetracker_audit_request", default=None)
_system: ContextVar[str | None] = ContextVar("casetracker_audit_system", default=None)


def current_actor() -> Actor:
    request = _request.get()
    if request is not None:
        from casetracker.auth import client_ip

        user = getattr(request, "user", None)
        ip = client_ip(request)
        if user is not None and user.is_authenticated:
            return Actor(user.pk, user.get_username(), ip)
        return Actor(None, "anonymous", ip)
    system = _system.get()
    return Actor(None, f"system:{system or 'unattributed'}", None)


@contextmanager
def actor_from_request(request) -> Iterator[None]:
    # The user is resolved when a row is written, not here: request.user is lazy and
    # changes when the request logs in or out.
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def system_actor(name: str) -> Iterator[None]:
    """``with system_actor("rotate_field_keys"):`` for commands and tasks."""
    token_s = _system.set(name)
    token_r = _request.set(None)
    try:
        yield
    finally:
        _request.reset(token_r)
        _system.reset(token_s)


# -- writing rows ----------------------------------------------------------------------
def _entry(action: str, *, model_label: str = "", object_id="", case_id=None, changes=None):
    from people.models import AuditEntry

    actor = current_actor()
    return AuditEntry(
        user_id=actor.user_id,
        username=actor.username[:150],
        ip_address=actor.ip_address,
        action=action,
        model=model_label,
        object_id=str(object_id or ""),
        case_id=case_id,
        changes=changes or {},
    )


def _write(entries: list) -> None:
    from people.models import AuditEntry

    # Many rows at once (bulk writes): COPY on PostgreSQL; the new ids are not needed.
    insert_rows(AuditEntry, entries)


def _case_id_of(model: type[models.Model], values: dict) -> int | None:
    if model._meta.label_lower == "cases.case":
        return values.get("id")
    return values.get("case_id")


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | dict | str):
        return value
    return str(value)


def _masked(field: models.Field, value, restricted_record: bool):
    """The value as the trail may keep it. Restricted values become '•••'."""
    if value is None or value == "":
        return value
    if isinstance(field, EncryptedTextField) or isinstance(value, RestrictedText):
        return MASK
    if restricted_record and field.name != "tier":
        return MASK  # every field of a restricted-tier record is restricted content
    return _jsonable(value)


def _audited_fields(model: type[models.Model]) -> list[models.Field]:
    # auto_now columns change on every save and say nothing about what changed.
    return [f for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]


def _diff(model, before: dict | None, after: dict | None) -> dict:
    before, after = before or {}, after or {}
    restricted = "restricted" in (before.get("tier"), after.get("tier"))
    changes = {}
    for field in _audited_fields(model):
        old, new = before.get(field.attname), after.get(field.attname)
        if old != new:
            changes[field.attname] = [
                _masked(field, old, restricted),
                _masked(field, new, restricted),
            ]
    return changes


def _values(instance: models.Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in _audited_fields(type(instance))}


def _snapshot(qs: models.QuerySet, attnames: list[str]) -> dict:
    return {row["pk"]: row for row in qs.values("pk", *attnames)}


def is_audited(model: type[models.Model]) -> bool:
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    return queryset_class is not None and issubclass(queryset_class, AuditedQuerySet)


def _touches_sealed(model: type[models.Model], kwargs: dict) -> bool:
    sealed = {f.name for f in sealed_fields(model)} | {f.attname for f in sealed_fields(model)}
    return bool(sealed) and ("tier" in kwargs or bool(sealed & set(kwargs)))


class AuditedQuerySet(models.QuerySet):
    """Base QuerySet for case data: bulk writes leave an audit row per record too."""

    def update(self, **kwargs):
        if not kwargs:
            return super().update(**kwargs)
        meta = self.model._meta
        names = {meta.get_field(k).attname for k in kwargs} | {
            f.attname for f in meta.concrete_fields if f.name in ("tier", "case")
        }
        names.discard(meta.pk.attname)
        with transaction.atomic(using=self.db, savepoint=False):
            before = _snapshot(self, sorted(names))
            rows = super().update(**kwargs)
            if before and _touches_sealed(self.model, kwargs):
                reseal_rows(self.model, list(before))
            if before:
                fresh = self.model._base_manager.using(self.db).filter(pk__in=list(before))
                after = _snapshot(fresh, sorted(names))
                _write(self._bulk_entries(before, after))
        return rows

    def _bulk_entries(self, before: dict, after: dict) -> list:
        entries = []
        for pk, old in before.items():
            new = after.get(pk, {})
            changes = _diff(self.model, old, new)
            if changes:
                entries.append(
                    _entry(
                        "bulk_update",
                        model_label=self.model._meta.label_lower,
                        object_id=pk,
                        case_id=_case_id_of(self.model, {**old, **new, "id": pk}),
                        changes=changes,
                    )
                )
        return entries

    def bulk_create(self, objs, *args, **kwargs):
        from people.models import AuditEntry

        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            rows = _created_rows(self.model, [obj for obj in created if obj.pk])
            insert_values(AuditEntry, CREATED_FIELDS, rows)  # COPY on PostgreSQL
        return created


CREATED_FIELDS = (
    "at",
    "user_id",
    "username",
    "ip_address",
    "action",
    "model",
    "object_id",
    "case_id",
    "changes",
)


def _created_rows(model: type[models.Model], objs: list) -> list[tuple]:
    """The ``create`` audit rows of many new rows of one model, as ``CREATED_FIELDS``
    values: what ``_instance_entry("create", obj, None)`` holds (tested), cheaper — with
    nothing before, the diff is every non-null value; the actor and the time are taken
    once (one bulk write, one actor, one statement); no model instances."""
    if not objs:
        return []
    actor = current_actor()
    at = timezone.now()
    label = model._meta.label_lower
    # _masked per field, decided once per field rather than once per value.
    spec = [
        (f.attname, isinstance(f, EncryptedTextField), f.name != "tier")
        for f in _audited_fields(model)
    ]
    has_tier = any(attname == "tier" for attname, _, _ in spec)
    is_case = label == "cases.case"
    who = (at, actor.user_id, actor.username[:150], actor.ip_address, "create", label)
    rows = []
    for obj in objs:
        restricted = has_tier and obj.tier == "restricted"
        changes = {}
        for attname, sealed, maskable in spec:
            value = getattr(obj, attname)
            if value is None:
                continue  # None before, None now: no change
            if value == "":
                pass
            elif sealed or (restricted and maskable) or isinstance(value, RestrictedText):
                value = MASK
            elif type(value) not in _PLAIN:
                value = _jsonable(value)
            changes[attname] = [None, value]
        case_id = obj.pk if is_case else getattr(obj, "case_id", None)
        rows.append((*who, str(obj.pk), case_id, changes))
    return rows


_PLAIN = frozenset({str, int, float, bool})  # exact types _jsonable returns as they are


def _instance_entry(action: str, instance: models.Model, before: dict | None):
    model = type(instance)
    now = _values(instance) if action != "delete" else None
    values = now if now is not None else before or {}
    values = {**values, "id": instance.pk}
    return _entry(
        action,
        model_label=model._meta.label_lower,
        object_id=instance.pk,
        case_id=_case_id_of(model, values),
        changes=_diff(model, before, now),
    )


# -- receivers (connected per audited model by connect_receivers) -----------------------
def _pre_save(sender, instance, raw=False, using=None, **kwargs):
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        names = [f.attname for f in _audited_fields(sender)]
        row = sender._base_manager.using(using).filter(pk=instance.pk).values(*names).first()
        instance._audit_before = row


def _post_save(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_before", None)
    entry = _instance_entry("create" if created or before is None else "update", instance, before)
    if entry.action == "create" or entry.changes:
        _write([entry])


def _post_delete(sender, instance, **kwargs):
    _write([_instance_entry("delete", instance, _values(instance))])


def _logged_in(sender, request, user, **kwargs):
    _write([_entry("login", model_label="auth.user", object_id=user.pk)])


def _login_failed(sender, credentials, request=None, **kwargs):
    entry = _entry("login_failed", model_label="auth.user")
    if entry.user_id is None:
        # Who tried: the username typed (never the password, which Django cleanses).
        entry.username = f"attempt:{str(credentials.get('username', ''))[:140]}"
    _write([entry])


def connect_receivers() -> None:
    from django.apps import apps
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.db.models.signals import post_delete, post_save, pre_save

    for model in apps.get_models():
        if is_audited(model):
            uid = f"audit:{model._meta.label_lower}"
            pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
            post_save.connect(_post_save, sender=model, dispatch_uid=uid)
            post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
    user_logged_in.connect(_logged_in, dispatch_uid="audit:login")
    user_login_failed.connect(_login_failed, dispatch_uid="audit:login_failed")


# -- reads and exports -----------------------------------------------------------------
def record_restricted_read(*, obj: models.Model, fields: list[str]) -> None:
    """'Read restricted field X of record Y by user Z' — the names of the fields, never values."""
    values = {"id": obj.pk, "case_id": getattr(obj, "case_id", None)}
    _write(
        [
            _entry(
                "read_restricted",
                model_label=obj._meta.label_lower,
                object_id=obj.pk,
                case_id=_case_id_of(type(obj), values),
                changes={"fields": sorted(fields)},
            )
        ]
    )


def record_restricted_reads(reads: list[tuple[models.Model, list[str]]]) -> None:
    """One page showed several restricted records: one row each, written together."""
    _write(
        [
            _entry(
                "read_restricted",
                model_label=obj._meta.label_lower,
                object_id=obj.pk,
                case_id=_case_id_of(
                    type(obj), {"id": obj.pk, "case_id": getattr(obj, "case_id", None)}
                ),
                changes={"fields": sorted(fields)},
            )
            for obj, fields in reads
        ]
    )


def record_export(*, model_label: str, count: int, what: str = "", case_id=None) -> None:
    """An export left the system: how many rows of what, by whom (no content)."""
    _write(
        [
            _entry(
                "export",
                model_label=model_label,
                case_id=case_id,
                changes={"count": count, "what": what},
            )
        ]
    )


def record_key_rotation(*, model: type[models.Model], fields: list[str], count: int) -> None:
    _write(
        [
            _entry(
                "bulk_update",
                model_label=model._meta.label_lower,
                changes={"reason": "key rotation", "fields": fields, "values": count},
            )
        ]
    )
