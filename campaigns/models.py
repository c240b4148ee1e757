"""Campaigns, joint statements and their signatories; civic-space context per country."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.models import Case
from casetracker.audit import AuditedQuerySet
from casetracker.crypto import EncryptedTextField
from casetracker.fields import (
    PartialDateField,
    Tier,
    partial_date_constraints,
    tier_constraint,
    tier_field,
    validate_date_order,
)
from people.models import Organisation


class Campaign(models.Model):
    title = models.CharField(_("title"), max_length=500)
    hashtag = models.CharField(_("hashtag"), max_length=100, blank=True, db_index=True)
    start = PartialDateField(_("start"))
    end = PartialDateField(_("end"))
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
        verbose_name=_("owning organisation"),
    )
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="organised_campaigns", verbose_name=_("organisers")
    )
    target = models.CharField(_("target"), max_length=500, blank=True)
    cases = models.ManyToManyField(
        Case, blank=True, related_name="campaigns", verbose_name=_("linked cases")
    )
    statement_text = models.TextField(_("statement text"), blank=True)
    statement_url = models.URLField(_("statement link"), max_length=1000, blank=True)
    # Signatories who chose anonymity are a count only: their names are never stored.
    anonymous_signatory_count = models.PositiveIntegerField(_("anonymous signatories"), default=0)
    seed_document = models.CharField(_("seed document"), max_length=255, blank=True)
    tier = tier_field()
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            *partial_date_constraints("start", "campaign"),
            *partial_date_constraints("end", "campaign"),
            tier_constraint("campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.hashtag}".strip()

    def clean(self) -> None:
        validate_date_order(self, "start", "end")


class Signatory(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        INDIVIDUAL = "individual", _("Individual")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signatories")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    # Names as printed in the statement, in their own script (e.g. Myanmar).
    name = models.CharField(_("name as signed"), max_length=500)
    position = models.PositiveIntegerField(_("position in list"), default=0)
    tier = tier_field(default=Tier.PUBLIC)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "position", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            tier_constraint("signatory"),
            models.UniqueConstraint(fields=["campaign", "name"], name="signatory_unique"),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="signatory_has_name",
                violation_error_message=_(
                    "A signatory needs a name; count anonymous ones on the campaign."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CountryRating(models.Model):
    class Rating(models.TextChoices):
        # CIVICUS Monitor civic-space ratings, most to least open
        OPEN = "open", _("Open")
        NARROWED = "narrowed", _("Narrowed")
        OBSTRUCTED = "obstructed", _("Obstructed")
        REPRESSED = "repressed", _("Repressed")
        CLOSED = "closed", _("Closed")

    country = CountryField(_("country"))
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    date = PartialDateField(_("date"), required=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    seed_document = models.CharField(_("seed document"), max_length=255, blank=True)

    class Meta:
        ordering = ["country", "-date"]
        verbose_name = _("country rating")
        verbose_name_plural = _("country ratings")
        constraints = [
            *partial_date_constraints("date", "rating"),
            models.UniqueConstraint(fields=["country", "date", "rating"], name="rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.country.name}: {self.get_rating_display()} ({self.date_partial})"


# -- reminders (DOMAIN.md "Reminders — once, and not twice") -------------------------------
# The database holds every reminder's state; the broker only carries "sweep now" ticks.


def new_calendar_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def hash_calendar_token(raw: str) -> str:
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


def unusable_calendar_token_hash() -> str:
    """A row's hash before a token is issued: of a random token nobody ever sees."""
    return hash_calendar_token(new_calendar_token())


CALENDAR_TOKEN_PREFIX_LENGTH = 6


def default_hearing_leads() -> list[int]:
    return [7, 1]


def default_milestone_leads() -> list[int]:
    return [7, 0]


class ReminderKind(models.TextChoices):
    HEARING = "hearing", _("Upcoming hearing")
    CUSTODY_EXPIRY = "custody_expiry", _("Custody expiry")
    MILESTONE = "milestone", _("Detention milestone")
    ANNIVERSARY = "anniversary", _("Anniversary of arrest")
    BIRTHDAY = "birthday", _("Birthday in detention")
    INTERNATIONAL_DAY = "international_day", _("International day")


class Subscription(models.Model):
    """Who hears about what: a user, an e-mail address or a partner's webhook.

    Scope: one case, or a country and/or a campaign, or (all empty) everything the
    recipient may see. The recipient's visibility is applied on every planner run, so a
    subscription never widens what anyone may see.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Partner webhook")

    label = models.CharField(_("label"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_subscriptions",
        help_text=_("Reminders use this user's e-mail and what this user may see."),
    )
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Without a user: only public cases whose consent allows publicity."),
    )
    webhook_url = models.URLField(_("webhook URL"), max_length=1000, blank=True)
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
        verbose_name=_("partner organisation"),
        help_text=_("Webhooks see what this organisation's partner accounts may see."),
    )
    # HMAC key for the webhook signature. Never logged and never sent in a payload. It must
    # be usable to sign, so it cannot be hashed: encrypted at rest with the field keys.
    webhook_secret = EncryptedTextField(_("webhook secret"))
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    country = CountryField(_("country"), blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    kinds = models.JSONField(
        _("kinds"), default=list, blank=True, help_text=_("Empty means every kind.")
    )
    hearing_lead_days = models.JSONField(
        _("days before hearings and custody expiry"), default=default_hearing_leads
    )
    milestone_lead_days = models.JSONField(
        _("days before milestones and other dates"), default=default_milestone_leads
    )
    # The feed URL's secret is never stored: only its SHA-256 (looked up, then compared in
    # constant time) and a short prefix to tell URLs apart. A stolen database reveals no
    # feed URL. The token itself is shown once, when issued (services.calendar_token_rotate).
    calendar_token_hash = models.CharField(
        _("calendar feed token (SHA-256)"),
        max_length=64,
        unique=True,
        default=unusable_calendar_token_hash,
        editable=False,
    )
    calendar_token_prefix = models.CharField(
        _("calendar feed token prefix"), max_length=8, blank=True, editable=False
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="webhook")
                | (Q(channel="email") & (Q(user__isnull=False) | ~Q(email=""))),
                name="subscription_email_has_recipient",
                violation_error_message=_("An e-mail subscription needs a user or an address."),
            ),
            models.CheckConstraint(
                condition=Q(channel="email")
                | (
                    Q(channel="webhook", partner__isnull=False)
                    & ~Q(webhook_url="")
                    & ~Q(webhook_secret="")
                ),
                name="subscription_webhook_complete",
                violation_error_message=_(
                    "A webhook subscription needs a partner organisation, a URL and a secret."
                ),
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=True) | (Q(country="") & Q(campaign__isnull=True)),
                name="subscription_case_scope_alone",
                violation_error_message=_("Subscribe to one case, or to a country/campaign."),
            ),
        ]

    def __str__(self) -> str:
        who = self.label or self.email or (self.user and str(self.user)) or self.webhook_url
        return f"{who} ({self.get_channel_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        bad = [k for k in self.kinds or [] if k not in ReminderKind.values]
        if bad:
            raise ValidationError({"kinds": _("Unknown kinds: %s") % ", ".join(map(str, bad))})
        for name in ("hearing_lead_days", "milestone_lead_days"):
            leads = getattr(self, name)
            if not isinstance(leads, list) or not all(
                isinstance(n, int) and 0 <= n <= 60 for n in leads
            ):
                raise ValidationError({name: _("A list of whole days between 0 and 60.")})

    def set_calendar_token(self, raw: str) -> None:
        """Store the hash of ``raw``; ``raw`` stays on this instance only, to be shown once."""
        self.calendar_token_hash = hash_calendar_token(raw)
        self.calendar_token_prefix = raw[:CALENDAR_TOKEN_PREFIX_LENGTH]
        self.calendar_token = raw

    @property
    def recipient_email(self) -> str:
        return (self.user.email if self.user_id else "") or self.email


class ReminderQuerySet(models.QuerySet):
    def due(self, now) -> ReminderQuerySet:
        return self.filter(state=Reminder.State.PENDING, due_at__lte=now)


class Reminder(models.Model):
    """One alert to one subscription about one occurrence, at one lead time."""

    Kind = ReminderKind
    Channel = Subscription.Channel

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending (claimed)")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NEEDS_REVIEW = "needs_review", _("Needs review")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired (date passed before sending)")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="reminders"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    hearing = models.ForeignKey(
        "cases.Hearing", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    occurrence_date = models.DateField(_("date of the occurrence"))
    lead_days = models.PositiveSmallIntegerField(_("days before"), default=0)
    channel = models.CharField(_("channel"), max_length=10, choices=Subscription.Channel.choices)
    due_at = models.DateTimeField(_("due at"))
    number = models.PositiveIntegerField(
        _("number"), null=True, blank=True, help_text=_("Days or years for milestones.")
    )
    title = models.CharField(_("what is coming"), max_length=255)
    draft_text = models.TextField(_("drafted alert"), blank=True)
    language = models.CharField(_("language of the draft"), max_length=8, default="en")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    # Stable per reminder: partners de-duplicate webhook retries on it.
    delivery_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempt_count = models.PositiveSmallIntegerField(default=0, editable=False)
    last_error_class = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # The exactly-once key. lead_days is part of it because "7 days before" and
            # "1 day before" the same hearing are two alerts, each sent once.
            models.UniqueConstraint(
                fields=["case", "kind", "occurrence_date", "subscription", "channel", "lead_days"],
                name="reminder_unique_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "pending",
                        "sending",
                        "sent",
                        "failed",
                        "needs_review",
                        "cancelled",
                        "expired",
                    ]
                ),
                name="reminder_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claim_token__isnull=False),
                name="reminder_sending_is_claimed",
            ),
        ]
        # The sender's claim: WHERE state = 'pending' AND due_at <= now ORDER BY due_at, id
        # LIMIT 1 — this index answers it without sorting the backlog on every claim.
        indexes = [models.Index(fields=["state", "due_at", "id"], name="reminder_state_due")]

    def __str__(self) -> str:
        return f"{self.title} — {self.occurrence_date} ({self.get_state_display()})"


class ReminderAttempt(models.Model):
    """Every send attempt: when, how and the outcome. Never the content."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Delivered")
        TRANSIENT_ERROR = "transient_error", _("Temporary failure")
        PERMANENT_ERROR = "permanent_error", _("Permanent failure")
        STUCK = "stuck", _("Claim timed out: needs review")
        RESEND_REQUESTED = "resend_requested", _("Resend requested by a person")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=10, choices=Subscription.Channel.choices)
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    error_class = models.CharField(_("error class"), max_length=100, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["reminder", "at", "id"]
        verbose_name = _("reminder attempt")
        verbose_name_plural = _("reminder attempts")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.at:%Y-%m-%d %H:%M}"


class SweepHeartbeat(models.Model):
    """One row: when the sender and planner last finished. /health/ reads it."""

    last_sweep_at = models.DateTimeField(null=True, blank=True)
    last_plan_at = models.DateTimeField(null=True, blank=True)
    last_sweep_sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sweep heartbeat")
        verbose_name_plural = _("sweep heartbeats")

    def __str__(self) -> str:
        return f"last sweep {self.last_sweep_at}"


class NeedsReviewReminder(Reminder):
    """The admin's needs-review queue: claims that timed out, for a person to decide."""

    class Meta:
        proxy = True
        verbose_name = _("reminder needing review")
        verbose_name_plural = _("reminders needing review")
