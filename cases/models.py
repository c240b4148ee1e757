"""Cases and everything dated that happens in them."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from casetracker.audit import AuditedQuerySet
from casetracker.crypto import EncryptedTextField, SealedCharField, SealedTextField
from casetracker.fields import (
    PartialDateField,
    Tier,
    partial_date_constraints,
    tier_constraint,
    tier_field,
    tier_safe_str,
    validate_date_order,
)
from casetracker.partialdate import DayRange, PartialDate, days_between
from people.models import Organisation, Person


def new_case_reference() -> str:
    return "CT-" + secrets.token_hex(4).upper()


def _fingerprinted(label: str) -> models.UniqueConstraint:
    """Importers set a fingerprint so a re-run creates nothing; hand-made rows have none."""
    return models.UniqueConstraint(
        fields=["case", "fingerprint"],
        condition=~Q(fingerprint=""),
        name=f"{label}_fingerprint_unique_per_case",
    )


class CaseQuerySet(AuditedQuerySet):
    def detained(self) -> CaseQuerySet:
        return self.filter(status__in=Case.DETAINED_STATUSES)


class Case(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")

    class Status(models.TextChoices):
        DETAINED = "detained", _("Detained")
        ON_BAIL = "on_bail", _("On bail")
        SENTENCED = "sentenced", _("Sentenced (in prison)")
        RELEASED = "released", _("Released")
        IN_EXILE = "in_exile", _("In exile")
        DECEASED = "deceased", _("Deceased")
        HARASSED = "harassed", _("At large but harassed")
        DISAPPEARED = "disappeared", _("Disappeared")

    class Consent(models.TextChoices):
        NONE = "none", _("No publicity")
        PARTNERS = "partners", _("Partners only")
        PUBLIC = "public", _("Public")
        PUBLIC_AFTER_VERDICT = "public_after_verdict", _("Public after the verdict")

    class ConsentBy(models.TextChoices):
        PERSON = "person", _("The person concerned")
        FAMILY = "family", _("Family")
        LAWYER = "lawyer", _("Lawyer")
        PUBLICATION = "publication", _("Already published by a trusted source")

    DETAINED_STATUSES = (Status.DETAINED, Status.SENTENCED, Status.DISAPPEARED)

    reference = models.SlugField(
        _("reference"),
        max_length=40,
        unique=True,
        default=new_case_reference,
        help_text=_("Stable reference used in e-mails, feeds and by partners."),
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    group_name = models.CharField(_("group name"), max_length=255, blank=True)
    group_size = models.PositiveIntegerField(_("group size"), null=True, blank=True)
    country = CountryField(_("country"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language (ISO 639)"), max_length=8, default="en")
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("owning organisation"),
    )
    tier = tier_field()
    detained_since = PartialDateField(_("detained since"))
    released_on = PartialDateField(_("released on"))
    verdict_reached = models.BooleanField(_("verdict reached"), default=False)
    # Publicity consent (DOMAIN.md): nothing is exposed publicly until this allows it.
    consent = models.CharField(
        _("publicity consent"), max_length=24, choices=Consent.choices, default=Consent.NONE
    )
    consent_given_by = models.CharField(
        _("consent given by"), max_length=12, choices=ConsentBy.choices, blank=True
    )
    consent_date = models.DateField(_("consent recorded on"), null=True, blank=True)
    consent_note = models.TextField(_("consent note"), blank=True)
    wgad_categories = models.JSONField(
        _("UN WGAD categories"),
        default=list,
        blank=True,
        help_text=_("Working Group on Arbitrary Detention categories I–V that apply."),
    )
    legal_assessment = models.TextField(_("legal assessment"), blank=True)
    # Set when a caseworker changes the case (admin, API): load_seeds and importers, which
    # find seed cases by reference, then leave it alone (case_upsert -> kept_edited).
    edited = models.BooleanField(_("edited by a caseworker"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Used by partners' updated_since filter and the change feed.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            *partial_date_constraints("detained_since", "case"),
            *partial_date_constraints("released_on", "case"),
            tier_constraint("case"),
            models.CheckConstraint(
                condition=Q(kind="group") | Q(person__isnull=False),
                name="case_individual_has_person",
                violation_error_message=_("An individual case needs a person."),
            ),
            models.CheckConstraint(
                condition=Q(kind="individual") | ~Q(group_name=""),
                name="case_group_has_name",
                violation_error_message=_("A group case needs a group name."),
            ),
            models.CheckConstraint(
                condition=Q(group_size__isnull=True) | Q(group_size__gte=1),
                name="case_group_size_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "detained",
                        "on_bail",
                        "sentenced",
                        "released",
                        "in_exile",
                        "deceased",
                        "harassed",
                        "disappeared",
                    ]
                ),
                name="case_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["country", "status"], name="case_country_status")]

    def __str__(self) -> str:
        return tier_safe_str(self, self.title)

    def clean(self) -> None:
        validate_date_order(self, "detained_since", "released_on")
        bad = [c for c in self.wgad_categories or [] if c not in ("I", "II", "III", "IV", "V")]
        if bad:
            raise ValidationError({"wgad_categories": _("Categories are I, II, III, IV or V.")})

    @property
    def is_detained(self) -> bool:
        return self.status in self.DETAINED_STATUSES

    def days_detained(self, *, today: dt.date | None = None) -> DayRange | None:
        """Days from detained_since to release (or today), a range when the start is vague."""
        return case_days_detained(
            self.detained_since_partial, self.released_on_partial, self.status, today=today
        )

    @property
    def publicly_exposable(self) -> bool:
        """Public tier alone is not enough: the recorded consent must allow it."""
        if self.tier != Tier.PUBLIC:
            return False
        return self.consent == self.Consent.PUBLIC or (
            self.consent == self.Consent.PUBLIC_AFTER_VERDICT and self.verdict_reached
        )


def case_days_detained(
    start: PartialDate | None, end: PartialDate | None, status: str, *, today: dt.date | None
) -> DayRange | None:
    """``Case.days_detained`` from the case's columns (the API's row path uses it too)."""
    if start is None:
        return None
    if end is None:
        if status not in Case.DETAINED_STATUSES:
            return None
        end = today or dt.date.today()
    return days_between(start, end)


class CaseShare(models.Model):
    """The owner shares a case with another organisation up to a tier, to read or edit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="case_shares"
    )
    tier = models.CharField(
        _("up to tier"),
        max_length=10,
        choices=[(Tier.PARTNERS, Tier.PARTNERS.label), (Tier.INTERNAL, Tier.INTERNAL.label)],
        default=Tier.PARTNERS,
    )
    can_edit = models.BooleanField(_("may edit"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="share_unique"),
            models.CheckConstraint(
                condition=Q(tier__in=["partners", "internal"]), name="share_tier_valid"
            ),
        ]
        # The visibility layer asks "is case C shared with organisation O at tier S?" for
        # every case it filters (casetracker/visibility.py _share_q): answered from the
        # index alone, PostgreSQL hashes an organisation's shares without reading the table.
        indexes = [
            models.Index(fields=["organisation", "tier", "case"], name="caseshare_org_tier_case")
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.organisation} ({self.tier})"


class Source(models.Model):
    class Reliability(models.TextChoices):
        # HURIDOCS micro-thesaurus "Reliability of source"
        RELIABLE = "reliable", _("Reliable")
        FAIRLY_RELIABLE = "fairly_reliable", _("Fairly reliable")
        NOT_RELIABLE = "not_reliable", _("Not reliable")
        UNKNOWN = "unknown", _("Unknown")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    # Sealed* fields: encrypted at rest while the row is restricted (casetracker.crypto).
    title = SealedCharField(_("title"), max_length=500)
    publisher = SealedCharField(_("publisher"), max_length=255, blank=True)
    date = PartialDateField(_("date"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    seed_document = models.CharField(_("seed document"), max_length=255, blank=True)
    article_title = SealedCharField(_("article title"), max_length=500, blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=16, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    tier = tier_field()
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Restricted (encrypted at rest): who the source is and how to reach them.
    identity = EncryptedTextField(_("identity of the source (restricted)"))
    contact = EncryptedTextField(_("contact of the source (restricted)"))

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["case", "date", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            *partial_date_constraints("date", "source"),
            tier_constraint("source"),
            _fingerprinted("source"),
        ]

    def __str__(self) -> str:
        return tier_safe_str(self, self.title)


class CaseRecord(models.Model):
    """Fields every dated record of a case shares: its case, tier, source and provenance."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="%(class)ss")
    tier = tier_field()
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by importers; a re-import of the same text matches on it and creates nothing.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Once a caseworker edits an imported record, importers never overwrite it.
    edited = models.BooleanField(_("edited by a caseworker"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True


# The event vocabulary of DOMAIN.md; the chronology parser emits the same values.
class EventType(models.TextChoices):
    RAID = "raid", _("Raid")
    ARREST = "arrest", _("Arrest")
    DETENTION = "detention", _("Detention")
    CUSTODY_EXTENSION = "custody_extension", _("Custody extension")
    TRANSFER = "transfer", _("Transfer")
    CHARGE = "charge", _("Charge")
    CHARGE_SHEET = "charge_sheet", _("Charge sheet")
    HEARING = "hearing", _("Hearing")
    TRIAL = "trial", _("Trial")
    VERDICT = "verdict", _("Verdict")
    SENTENCE = "sentence", _("Sentence")
    BAIL = "bail", _("Bail")
    RELEASE = "release", _("Release")
    HUNGER_STRIKE = "hunger_strike", _("Hunger strike")
    TRAVEL_BAN = "travel_ban", _("Travel ban")
    DEATH = "death", _("Death")
    DESIGNATION = "designation", _("Designation")
    STATEMENT = "statement", _("Statement")
    CAMPAIGN = "campaign", _("Campaign action")
    AWARD = "award", _("Award")
    ANNIVERSARY = "anniversary", _("Anniversary")
    OTHER = "other", _("Other")


class TimelineEvent(CaseRecord):
    Type = EventType

    date = PartialDateField(_("date"), required=True)
    type = models.CharField(
        _("type"), max_length=20, choices=EventType.choices, default=EventType.OTHER
    )
    summary = SealedTextField(_("summary"))
    line = models.PositiveIntegerField(_("line in source"), null=True, blank=True)

    class Meta:
        ordering = ["case", "date", "date_precision", "line", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            *partial_date_constraints("date", "event"),
            tier_constraint("event"),
            _fingerprinted("event"),
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="event_type_valid"),
        ]

    def __str__(self) -> str:
        return tier_safe_str(self, f"{self.date_partial}: {self.get_type_display()}")


class ChargeDocument(CaseRecord):
    """An arrest memo, FIR or charge sheet: charges change over time, keep each list."""

    class Kind(models.TextChoices):
        ARREST_MEMO = "arrest_memo", _("Arrest memo")
        FIR = "fir", _("First Information Report")
        CHARGE_SHEET = "charge_sheet", _("Charge sheet")
        INDICTMENT = "indictment", _("Indictment")
        VERDICT = "verdict", _("Verdict")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = SealedCharField(_("title"), max_length=255, blank=True)
    date = PartialDateField(_("date"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["case", "date", "id"]
        verbose_name = _("charge document")
        verbose_name_plural = _("charge documents")
        constraints = [
            *partial_date_constraints("date", "chargedoc"),
            tier_constraint("chargedoc"),
            _fingerprinted("chargedoc"),
            # Exactly one list of charges is "current" for a case.
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="chargedoc_one_current"
            ),
        ]

    def __str__(self) -> str:
        text = self.title or f"{self.get_kind_display()} {self.date_partial or ''}".strip()
        return tier_safe_str(self, text)


class Charge(CaseRecord):
    class Status(models.TextChoices):
        ALLEGED = "alleged", _("Alleged")
        FILED = "filed", _("Filed")
        DROPPED = "dropped", _("Dropped")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")

    document = models.ForeignKey(
        ChargeDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="charges"
    )
    law = models.CharField(_("law or code"), max_length=255, db_index=True)
    section = models.CharField(_("article or section"), max_length=40, blank=True, db_index=True)
    description = SealedTextField(_("description as quoted"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ALLEGED
    )
    position = models.PositiveSmallIntegerField(_("position in document"), default=0)

    class Meta:
        ordering = ["case", "document", "position", "id"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [tier_constraint("charge"), _fingerprinted("charge")]

    def __str__(self) -> str:
        return tier_safe_str(self, f"{self.law} {self.section}".strip())


class Facility(models.Model):
    class Kind(models.TextChoices):
        PRISON = "prison", _("Prison")
        POLICE_STATION = "police_station", _("Police station")
        PRE_TRIAL_CENTRE = "pre_trial", _("Pre-trial detention centre")
        MILITARY = "military", _("Military facility")
        PSYCHIATRIC = "psychiatric", _("Psychiatric facility")
        UNOFFICIAL = "unofficial", _("Unofficial place of detention")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRISON)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(fields=["name", "city", "country"], name="facility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class Hearing(CaseRecord):
    class Kind(models.TextChoices):
        REMAND = "remand", _("Remand / custody extension")
        TRIAL_SESSION = "trial_session", _("Trial session")
        VERDICT = "verdict", _("Verdict")
        APPEAL = "appeal", _("Appeal")
        BAIL = "bail", _("Bail")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    court = SealedCharField(_("court"), max_length=255, blank=True)
    date = PartialDateField(_("date"), required=True)
    time = models.TimeField(_("time"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    outcome = SealedTextField(_("outcome"), blank=True)
    custody_days = models.PositiveIntegerField(
        _("custody extended by (days)"), null=True, blank=True
    )
    custody_until = models.DateField(_("custody runs until"), null=True, blank=True)
    next_hearing = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="set_by",
        verbose_name=_("next hearing it set"),
    )
    postponed_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postponed_to",
        verbose_name=_("postponed from"),
    )

    class Meta:
        ordering = ["case", "date", "time", "id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            *partial_date_constraints("date", "hearing"),
            tier_constraint("hearing"),
            _fingerprinted("hearing"),
            models.CheckConstraint(
                condition=Q(time__isnull=True) | Q(date_precision=1),
                name="hearing_time_needs_exact_day",
                violation_error_message=_("A hearing time needs an exact day."),
            ),
        ]
        indexes = [models.Index(fields=["status", "date"], name="hearing_upcoming")]

    def __str__(self) -> str:
        return tier_safe_str(self, f"{self.get_kind_display()} {self.date_partial}")

    def clean(self) -> None:
        if self.timezone:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValidationError(
                    {"timezone": _("Unknown time zone; use an IANA name like Asia/Kolkata.")}
                ) from None


class Detention(CaseRecord):
    class Type(models.TextChoices):
        # After HURIDOCS "Types of detention", simplified for caseworkers
        POLICE_CUSTODY = "police_custody", _("Police custody")
        PRE_TRIAL = "pre_trial", _("Pre-trial detention")
        PRISON = "prison", _("Prison (sentenced)")
        HOUSE_ARREST = "house_arrest", _("House arrest")
        ADMINISTRATIVE = "administrative", _("Administrative detention")
        UNKNOWN_WHEREABOUTS = "unknown_whereabouts", _("Whereabouts unknown")

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="detentions"
    )
    place = SealedCharField(_("place"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    start = PartialDateField(_("start"))
    end = PartialDateField(_("end"))
    legal_basis = SealedCharField(_("legal basis"), max_length=255, blank=True)
    # Restricted (encrypted at rest): where exactly someone is held or hiding.
    exact_address = EncryptedTextField(_("exact address (restricted)"))

    class Meta:
        ordering = ["case", "start", "id"]
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")
        constraints = [
            *partial_date_constraints("start", "detention"),
            *partial_date_constraints("end", "detention"),
            tier_constraint("detention"),
            _fingerprinted("detention"),
        ]

    def __str__(self) -> str:
        where = self.facility or self.place or _("unknown place")
        return tier_safe_str(self, f"{self.get_type_display()} — {where}")

    def clean(self) -> None:
        validate_date_order(self, "start", "end")


class ReviewItem(CaseRecord):
    """A problem in a source that a caseworker must look at. Never a silent correction."""

    class Kind(models.TextChoices):
        OUT_OF_SEQUENCE = "out_of_sequence", _("Date out of sequence")
        ARITHMETIC = "arithmetic", _("Dates do not add up")
        MISSING_YEAR = "missing_year", _("Year taken from context")
        MISSING_DAY = "missing_day", _("Day needed for reminders")
        ANNIVERSARY_MISMATCH = "anniversary_mismatch", _("Anniversary does not match")
        UNREADABLE = "unreadable", _("Could not be read")
        CONTRADICTION = "contradiction", _("Sources contradict each other")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    message = SealedTextField(_("message"))
    line = models.PositiveIntegerField(_("line in source"), null=True, blank=True)
    as_written = SealedCharField(_("as written"), max_length=500, blank=True)
    suggestion = SealedCharField(_("suggested reading"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = SealedTextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "status", "line", "id"]
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        constraints = [tier_constraint("review"), _fingerprinted("review")]

    def __str__(self) -> str:
        return tier_safe_str(self, f"{self.get_kind_display()}: {self.message[:60]}")


class CaseNote(CaseRecord):
    """A caseworker's note on a case; its text is always encrypted at rest.

    Always, not only when the tier is restricted: a note's tier can be lowered or raised
    later, and re-encrypting on every tier change would leave plaintext copies in old WAL
    and backups. Encryption costs only searchability, which notes do not need. Who may
    read a note is still its tier (casetracker.visibility); a restricted note's reads are
    audited.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = EncryptedTextField(_("text"), blank=False, default=None)

    class Meta:
        ordering = ["case", "-created_at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        constraints = [tier_constraint("casenote")]

    def __str__(self) -> str:
        return f"{_('Note')} #{self.pk} ({self.get_tier_display()})"


class ChangeLogEntry(models.Model):
    """One row per write to a record a partner may mirror; the change feed reads it in order.

    Written in the same transaction as the change (cases/changefeed.py) under a lock that
    makes ids grow in commit order, so a client polling ``after=<last id>`` never skips a
    change committed late. It stores no content: what a caller receives is evaluated at
    read time through the visibility layer. Independent of the security audit trail.
    """

    class Action(models.TextChoices):
        SAVE = "save", _("Created or updated")
        DELETE = "delete", _("Deleted")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("record type"), max_length=20)
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("change-log entry")
        verbose_name_plural = _("change-log entries")
        indexes = [models.Index(fields=["kind", "object_id"], name="changelog_record")]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.kind}:{self.object_id}"


class FeedExposure(models.Model):
    """That an audience (viewers who see the same records) was sent a record by the feed.

    A tombstone goes only to audiences that were sent the record before, so a tombstone
    never reveals a record its reader never saw.
    """

    audience = models.CharField(_("audience"), max_length=64)
    kind = models.CharField(_("record type"), max_length=20)
    object_id = models.BigIntegerField(_("record id"))

    class Meta:
        verbose_name = _("feed exposure")
        verbose_name_plural = _("feed exposures")
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "kind", "object_id"], name="feed_exposure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.audience} saw {self.kind}:{self.object_id}"
