"""Admin for reminders: subscriptions, rows and attempts, the needs-review queue and the
campaigners' "Upcoming" page. Imported from CampaignsConfig.ready().

Every list goes through the visibility layer: staff see reminders only for cases they
may see, and the Upcoming page is built for the signed-in user's viewer.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models import (
    Campaign,
    NeedsReviewReminder,
    Reminder,
    ReminderAttempt,
    Subscription,
)
from campaigns.reminders.selectors import scoped_cases, upcoming_for
from campaigns.reminders.services import RESENDABLE, calendar_token_rotate, reminder_resend
from cases.models import Case
from casetracker.visibility import Viewer, visible

UPCOMING_DAYS = 30


def _visible_case_ids(request):
    return visible(Viewer.for_user(request.user), Case).values("pk")


class SubscriptionForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("webhook URL"), required=False, max_length=1000, assume_scheme="https"
    )
    webhook_secret = forms.CharField(
        label=_("webhook secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret."),
    )

    class Meta:
        model = Subscription
        fields = (
            "label",
            "active",
            "channel",
            "user",
            "email",
            "partner",
            "webhook_url",
            "webhook_secret",
            "case",
            "country",
            "campaign",
            "kinds",
            "hearing_lead_days",
            "milestone_lead_days",
        )

    def clean_webhook_secret(self):
        return self.cleaned_data.get("webhook_secret") or self.instance.webhook_secret


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("__str__", "channel", "case", "country", "campaign", "active", "feed")
    list_filter = ("channel", "active")
    list_select_related = ("user", "case", "campaign")
    search_fields = ("label", "email", "user__username", "webhook_url")
    raw_id_fields = ("user", "case", "campaign", "partner")
    readonly_fields = ("feed",)
    actions = ["rotate_calendar_token"]

    @admin.display(description=_("calendar feed"))
    def feed(self, obj: Subscription) -> str:
        # Only a hash is stored: the URL was shown once, when issued. The prefix tells
        # URLs apart ("is the one in my calendar app still the current one?").
        if not obj.pk or not obj.calendar_token_prefix:
            return "-"
        return f"/calendar/{obj.calendar_token_prefix}….ics"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._show_feed_url(request, calendar_token_rotate(subscription=obj))

    def _show_feed_url(self, request, subscription: Subscription) -> None:
        url = request.build_absolute_uri(
            reverse("reminders:calendar-feed", args=[subscription.calendar_token])
        )
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Calendar feed URL of “%s” — copy it now, it is not shown again:") % subscription,
                url,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Rotate the calendar feed URL (the old one stops working)"))
    def rotate_calendar_token(self, request, queryset):
        for subscription in queryset:
            self._show_feed_url(request, calendar_token_rotate(subscription=subscription))
        self.message_user(request, _("%d feed URLs rotated.") % queryset.count())


class ReminderAttemptInline(admin.TabularInline):
    model = ReminderAttempt
    extra = 0
    can_delete = False
    fields = ("at", "number", "channel", "outcome", "error_class", "status_code", "requested_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "case_reference",
        "occurrence_date",
        "lead_days",
        "channel",
        "state",
        "due_at",
        "attempt_count",
    )
    list_filter = ("state", "kind", "channel")
    list_select_related = ("case",)
    search_fields = ("case__reference", "title")
    date_hierarchy = "occurrence_date"
    fields = (
        "title",
        "draft_text",
        "kind",
        "occurrence_date",
        "lead_days",
        "channel",
        "state",
        "due_at",
        "sent_at",
        "claimed_at",
        "attempt_count",
        "last_error_class",
        "case",
        "subscription",
    )
    # The draft is the only thing a person edits; the state belongs to the engine.
    readonly_fields = tuple(f for f in fields if f != "draft_text")
    inlines = [ReminderAttemptInline]
    actions = ["resend"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=_visible_case_ids(request))

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("case"), ordering="case__reference")
    def case_reference(self, obj: Reminder) -> str:
        return obj.case.reference

    @admin.action(description=_("Resend (failed or needing review only)"))
    def resend(self, request, queryset):
        done = sum(
            reminder_resend(reminder=r, user=request.user)
            for r in queryset.filter(state__in=RESENDABLE)
        )
        skipped = queryset.count() - done
        self.message_user(request, _("%d reminders will be sent again.") % done)
        if skipped:
            self.message_user(
                request,
                _("%d were not failed or needing review and were left alone.") % skipped,
                messages.WARNING,
            )

    def get_urls(self):
        upcoming = path(
            "upcoming/",
            self.admin_site.admin_view(self.upcoming_view),
            name="campaigns_reminder_upcoming",
        )
        return [upcoming, *super().get_urls()]

    def upcoming_view(self, request):
        # Drafts are written to be published: built from what is at most internal.
        viewer = Viewer.for_user(request.user).without_restricted()
        form = UpcomingFilter(request.GET or None, viewer=viewer)
        country, campaign = "", None
        if form.is_valid():
            country = form.cleaned_data["country"]
            campaign = form.cleaned_data["campaign"]
        today = timezone.localdate()
        window = (today, today + dt.timedelta(days=UPCOMING_DAYS))
        cases = list(
            scoped_cases(viewer, country=country, campaign_id=campaign.pk if campaign else None)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upcoming: the next %d days") % UPCOMING_DAYS,
            "form": form,
            "items": upcoming_for(viewer, cases, window),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/campaigns/reminder/upcoming.html", context)


class UpcomingFilter(forms.Form):
    country = forms.ChoiceField(label=_("country"), required=False)
    campaign = forms.ModelChoiceField(
        label=_("campaign"), required=False, queryset=Campaign.objects.none()
    )

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["campaign"].queryset = visible(viewer, Campaign).order_by("title")


@admin.register(NeedsReviewReminder)
class NeedsReviewReminderAdmin(ReminderAdmin):
    """The queue: claims that timed out. Check the attempts, then resend or leave it."""

    list_filter = ("kind", "channel")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=Reminder.State.NEEDS_REVIEW)

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)


@admin.register(ReminderAttempt)
class ReminderAttemptAdmin(admin.ModelAdmin):
    list_display = ("reminder", "at", "number", "channel", "outcome", "error_class")
    list_filter = ("outcome", "channel")
    list_select_related = ("reminder",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reminder__case__in=_visible_case_ids(request))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
