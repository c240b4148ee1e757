"""The calendar feed: a secret URL per subscription, no login (calendar apps can't)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns.reminders.ical import calendar_for
from campaigns.reminders.services import subscription_by_calendar_token
from casetracker.permissions import permission_decision


@permission_decision(
    "capability URL: the secret token is the credential; the feed holds only what the "
    "subscription's viewer may see (visibility layer)"
)
@never_cache
@require_GET
def calendar_feed(request, token: str):
    subscription = subscription_by_calendar_token(token)
    if subscription is None:
        raise Http404("unknown calendar")
    response = HttpResponse(calendar_for(subscription), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="casetracker.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
