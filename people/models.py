"""People, organisations and who belongs to what (Popolo-like)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from casetracker.audit import AuditedQuerySet
from casetracker.crypto import EncryptedTextField
from casetracker.fields import (
    PartialDateField,
    Tier,
    partial_date_constraints,
    tier_constraint,
    tier_field,
    tier_safe_str,
    validate_date_order,
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        NETWORK = "network", _("Network or consortium")
        STATE_BODY = "state_body", _("State body")
        COURT = "court", _("Court")
        UN_BODY = "un_body", _("UN body or mechanism")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        MEDIA = "media", _("Media outlet")
        UNION = "union", _("Trade union")
        ACADEMIC = "academic", _("Academic institution")
        POLITICAL = "political", _("Political party or movement")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, db_index=True)
    country = CountryField(_("country"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    # Member organisations run casetracker together (a consortium); they own cases and
    # have staff accounts. Other organisations are only mentioned in records.
    is_member = models.BooleanField(_("member organisation"), default=False)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Person(models.Model):
    class Role(models.TextChoices):
        DEFENDER = "defender", _("Human-rights defender")
        JOURNALIST = "journalist", _("Journalist")
        LAWYER = "lawyer", _("Lawyer")
        ACTIVIST = "activist", _("Activist")
        TRADE_UNIONIST = "trade_unionist", _("Trade unionist")
        POLITICIAN = "politician", _("Politician")
        STUDENT = "student", _("Student")
        ACADEMIC = "academic", _("Academic")
        ARTIST = "artist", _("Artist or writer")
        RELIGIOUS = "religious", _("Religious leader")
        OTHER = "other", _("Other")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        NON_BINARY = "non_binary", _("Non-binary")
        OTHER = "other", _("Other")

    primary_name = models.CharField(_("primary name"), max_length=255, db_index=True)
    native_name = models.CharField(_("name in native script"), max_length=255, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    country = CountryField(_("country"), blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    birth_date = PartialDateField(_("birth date"))
    bio = models.TextField(_("short bio"), blank=True)
    tier = tier_field()
    # Restricted (encrypted at rest, named staff only, every read audited).
    relatives = EncryptedTextField(
        _("relatives (restricted)"), help_text=_("Who they are and how to reach them.")
    )
    private_contact = EncryptedTextField(_("private contact (restricted)"))
    # Set when a caseworker changes the person (admin, API): person_upsert (load_seeds,
    # importers) then leaves the row alone (kept_edited).
    edited = models.BooleanField(_("edited by a caseworker"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["primary_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            *partial_date_constraints("birth_date", "person"),
            tier_constraint("person"),
        ]

    def __str__(self) -> str:
        return tier_safe_str(self, self.primary_name)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        bad = [r for r in self.roles or [] if r not in self.Role.values]
        if bad:
            raise ValidationError({"roles": _("Unknown roles: %s") % ", ".join(map(str, bad))})


class PersonAlias(models.Model):
    """Other spellings and scripts (Alexei/Alexey; 'Tawan'); searched like the name."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=255, db_index=True)
    language = models.CharField(_("language (ISO 639)"), max_length=8, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="alias_unique_per_person")
        ]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    """Person X is Programme Coordinator of JKCCS (from ... to ...)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("role"), max_length=255, blank=True)
    start = PartialDateField(_("start"))
    end = PartialDateField(_("end"))
    tier = tier_field(default=Tier.INTERNAL)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["person", "organisation"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            *partial_date_constraints("start", "affiliation"),
            *partial_date_constraints("end", "affiliation"),
            tier_constraint("affiliation"),
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="affiliation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.role or _('member')}, {self.organisation}"

    def clean(self) -> None:
        validate_date_order(self, "start", "end")


class Membership(models.Model):
    """A staff or partner account's organisation and role in this installation."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        CASEWORKER = "caseworker", _("Caseworker")
        CAMPAIGNER = "campaigner", _("Campaigner")
        AUDITOR = "auditor", _("Auditor")
        PARTNER = "partner", _("Partner (API only)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to=Q(is_member=True),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Restricted records are readable only by named staff (DOMAIN.md): this flag names them.
    may_read_restricted = models.BooleanField(_("may read restricted records"), default=False)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=["administrator", "caseworker", "campaigner", "auditor", "partner"]
                ),
                name="membership_role_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


# -- audit trail (issue 6) -----------------------------------------------------------------
class AuditImmutableError(Exception):
    """Audit rows are append-only: the app never updates or deletes one."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit entries cannot be updated.")

    def delete(self):
        raise AuditImmutableError("Audit entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("Audit entries cannot be updated.")

    def _raw_delete(self, using):
        raise AuditImmutableError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One append-only line of the audit trail (written by casetracker.audit).

    No foreign keys on purpose: deleting a user or a case must neither cascade into the
    trail nor be blocked by it; ``username`` is a snapshot taken when the row was written.
    Restricted values never appear: ``changes`` holds "•••" for them.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        BULK_UPDATE = "bulk_update", _("Bulk update")
        READ_RESTRICTED = "read_restricted", _("Read restricted data")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("who"), max_length=150)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    # Used by the auditor's "everything that happened to case X" view.
    case_id = models.BigIntegerField(_("case id"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["model", "object_id"], name="audit_record")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    action__in=[
                        "create",
                        "update",
                        "delete",
                        "bulk_update",
                        "read_restricted",
                        "export",
                        "login",
                        "login_failed",
                    ]
                ),
                name="audit_action_valid",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model}#{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit entries cannot be deleted.")


class PartnerToken(models.Model):
    """An API key for a partner organisation (DOMAIN.md "Partner NGOs").

    Only a SHA-256 hash of the token is stored; the token itself is shown once, when it is
    created. ``prefix`` is a non-secret lookup key so authentication needs one indexed
    query and a constant-time comparison. Requests run as ``user``, a service account with
    a partner membership of ``organisation``, so the one visibility layer applies unchanged.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_tokens"
    )
    name = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("SHA-256 of the token"), max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "id"]
        verbose_name = _("partner API token")
        verbose_name_plural = _("partner API tokens")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name or self.prefix}"
