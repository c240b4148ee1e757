"""Campaigns, joint statements and their signatories; civic-space context per country."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.models import Case
from casetracker.audit import AuditedQuerySet
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
