"""Restricted fields, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from CASETRACKER_FIELD_KEYS (newest first), never from SECRET_KEY: a leaked
settings file or a stolen database alone does not open restricted values, and the two
secrets are rotated on their own schedules. Rotation: add a new key in front, run
``manage.py rotate_field_keys`` (re-encrypts every value under the newest key), then
drop the old key.

What the database holds for a restricted value: a Fernet token (random IV, so equal
values give different tokens and nothing can be searched or grouped). An empty value is
stored empty. Decrypted values are ``RestrictedText``: a ``str`` whose ``repr`` is masked,
so tracebacks, debug output, ``%r`` logging and reprs of containers do not print them.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

MASK = "•••"


class RestrictedText(str):
    """A decrypted restricted value; ``repr`` never shows it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<restricted>"


class UndecryptableError(ImproperlyConfigured):
    """A stored token opens with none of the configured keys (a key was removed too soon)."""


@lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("No CASETRACKER_FIELD_KEYS configured.")
    fernets = [Fernet(k.encode()) for k in keys]
    return MultiFernet(fernets), fernets[0]


def _keys() -> tuple[str, ...]:
    return tuple(settings.CASETRACKER_FIELD_KEYS)


@receiver(setting_changed)
def _reset(setting, **kwargs) -> None:
    if setting == "CASETRACKER_FIELD_KEYS":
        _fernets.cache_clear()


def encrypt(plaintext: str) -> str:
    multi, _newest = _fernets(_keys())
    return multi.encrypt(str(plaintext).encode("utf-8")).decode("ascii")


def decrypt(token: str) -> RestrictedText:
    multi, _newest = _fernets(_keys())
    try:
        return RestrictedText(multi.decrypt(token.encode("ascii")).decode("utf-8"))
    except InvalidToken:
        raise UndecryptableError(
            "A restricted value cannot be decrypted with CASETRACKER_FIELD_KEYS; "
            "was a key removed before rotate_field_keys finished?"
        ) from None


def is_under_newest_key(token: str) -> bool:
    _multi, newest = _fernets(_keys())
    try:
        newest.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (decrypting with any configured key)."""
    multi, _newest = _fernets(_keys())
    try:
        return multi.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UndecryptableError("A restricted value opens with no configured key.") from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class EmptyOnlyExact(models.lookups.Exact):
    """``field=""`` on an encrypted column (an empty value is stored empty); nothing else.

    Constraints such as "a webhook needs a secret" (``~Q(webhook_secret="")``) need it.
    """

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError("Encrypted fields can only be compared with ''.")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A text column encrypted at rest. Not searchable, not sortable, not filterable.

    Only ``isnull`` and ``exact=""`` lookups are allowed: an ``exact`` on a value or an
    ``icontains`` on ciphertext would silently find nothing, which is worse than an error.
    """

    description = _("Restricted text (encrypted at rest)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if value is None or isinstance(value, RestrictedText):
            return value
        return RestrictedText(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact  # "is it set?" works on ciphertext; equality never does
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def value_to_string(self, obj) -> str:
        # dumpdata and other serializers: never write plaintext into a fixture file.
        # Back up with pg_dump (ciphertext) instead.
        value = self.value_from_object(obj)
        return MASK if value else ""


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def rotate_model_keys(*, model: type[models.Model], batch_size: int = 500) -> int:
    """Re-encrypt every restricted value of ``model`` under the newest key; return how many.

    Raw SQL on purpose: the ORM would decrypt into Python objects and route the writes
    through the audit machinery, once per row; here plaintext never leaves this function
    and the caller writes one audit row per model. Each batch is its own transaction with
    its rows locked (PostgreSQL), so a crash loses at most one batch of work and a re-run
    skips values already under the newest key.
    """
    from django.db import connection, transaction

    fields = encrypted_fields(model)
    if not fields:
        return 0
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    cols = ", ".join(qn(f.column) for f in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT {pk}, {cols} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s{lock}"  # noqa: S608
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    update = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    last, rotated = -1, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select, [last, batch_size])
            rows = cursor.fetchall()
            for row_pk, *tokens in rows:
                fresh = [t if not t or is_under_newest_key(t) else rotate(t) for t in tokens]
                if fresh != tokens:
                    cursor.execute(update, [*fresh, row_pk])
                    rotated += sum(1 for a, b in zip(fresh, tokens, strict=True) if a != b)
        if len(rows) < batch_size:
            return rotated
        last = rows[-1][0]


# -- sealed when restricted ---------------------------------------------------------------
# The free text of a restricted-tier record (a timeline event's summary, a source's title,
# a hearing's court ...) is restricted content as a whole, not one restricted column: it is
# encrypted at rest while the row's tier is "restricted" and stored plain otherwise (so
# search and ordering keep working for everything else). The stored form is
# "sealed:" + a Fernet token. The switch happens on save, where the row's tier is known
# (Field.pre_save gets the instance); QuerySet.update() has no instance, so
# AuditedQuerySet.update() re-seals the rows it touched (reseal_rows).
SEALED_PREFIX = "sealed:"
RESTRICTED_TIER = "restricted"


class _Seal(str):
    """A value on its way to the database that must be encrypted."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<restricted>"


class SealedWhenRestrictedMixin:
    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value and getattr(model_instance, "tier", None) == RESTRICTED_TIER:
            return _Seal(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, _Seal):
            return SEALED_PREFIX + encrypt(value)
        return value

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and value.startswith(SEALED_PREFIX):
            return decrypt(value[len(SEALED_PREFIX) :])
        return value


class SealedTextField(SealedWhenRestrictedMixin, models.TextField):
    """A TextField whose value is encrypted at rest while its row's tier is restricted."""


class SealedCharField(SealedWhenRestrictedMixin, models.CharField):
    """A CharField (max_length checked on the plain value) sealed like SealedTextField.

    The column is ``text``: a token is longer than ``max_length`` characters.
    """

    def get_internal_type(self) -> str:
        return "TextField"


def sealed_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedWhenRestrictedMixin)]


def reseal_rows(model: type[models.Model], pks) -> int:
    """Write the sealed columns of ``pks`` again as their current tier wants them.

    For bulk updates (no instance reaches Field.pre_save) and migrations. Writes through
    the plain QuerySet.update so it neither recurses into nor doubles the audit rows.
    """
    fields = sealed_fields(model)
    if not fields:
        return 0
    written = 0
    manager = model._base_manager
    for obj in manager.filter(pk__in=list(pks)).only("pk", "tier", *[f.name for f in fields]):
        values = {f.attname: f.pre_save(obj, False) for f in fields}
        models.QuerySet.update(manager.filter(pk=obj.pk), **values)
        written += 1
    return written
