"""Access matrix over EVERY URL pattern × role × record tier: expected status, 0 leaking cells.

tests/api/test_access_matrix.py checks the API's lists and feed id by id; this one is the
whole site at once: every admin page (changelists, change, history, autocomplete, the
custom views), every API route, the calendar feed and /health/, for nine roles. A cell
leaks when its status differs from the hand-written expectation, or when its body holds
the unique text of a record that role may not see on that surface. Every URL pattern of
the project must be classified below, so a new route without a row here fails.

The world: organisation A owns one case per tier (its person of the same tier); every case
is shared with organisation B up to "partners". On the public case sit one event, source,
hearing, detention and charge of each tier. Named staff of A edits the public case in the
admin first, so the history pages hold inline change messages about rows of every tier.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from campaigns.models import Subscription
from campaigns.reminders.services import subscription_create
from casetracker.fields import Tier
from people.models import Membership
from people.tokens import partner_token_create
from tests.admin.htmlform import change_form_data
from tests.factories import (
    CampaignFactory,
    CaseFactory,
    CaseShareFactory,
    ChargeFactory,
    DetentionFactory,
    HearingFactory,
    OrganisationFactory,
    PersonFactory,
    SourceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TIERS = ["public", "partners", "internal", "restricted"]
ROLES = [
    "anonymous",
    "partner_a",
    "partner_b",
    "caseworker_a",
    "caseworker_b",
    "campaigner_a",
    "auditor_a",
    "named_a",
    "superuser",
]
ALL_BUT_RESTRICTED = {"public", "partners", "internal"}
# Tiers of case records each role sees, written out by hand (not computed by the layer).
ADMIN_SEES = {
    "anonymous": set(),
    "partner_a": set(),  # partners never get the admin
    "partner_b": set(),
    "caseworker_a": ALL_BUT_RESTRICTED,
    "caseworker_b": {"public", "partners"},  # through the partners-tier share
    "campaigner_a": ALL_BUT_RESTRICTED,
    "auditor_a": ALL_BUT_RESTRICTED,
    "named_a": set(TIERS),
    "superuser": ALL_BUT_RESTRICTED,  # a platform operator never reads restricted content
}
API_SEES = {
    **ADMIN_SEES,
    "partner_a": {"public"},  # A's partner account: A owns, but partners see shares only
    "partner_b": {"public", "partners"},
    "named_a": ALL_BUT_RESTRICTED,  # the API never serves restricted records, to anybody
}
STAFF = {"caseworker_a", "caseworker_b", "campaigner_a", "auditor_a", "named_a", "superuser"}
KINDS = ["events", "sources", "hearings", "detentions", "charges"]


# -- the world --------------------------------------------------------------------------
def marker(what: str, tier: str) -> str:
    return f"mx-{what}-{tier}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def world(make_member):
    org_a = OrganisationFactory(name="Fake Matrix Owner", acronym="FMO")
    org_b = OrganisationFactory(name="Fake Matrix Partner", acronym="FMP")
    soon = timezone.localdate() + dt.timedelta(days=5)
    markers: dict[str, list[str]] = {t: [] for t in TIERS}
    cases, people = {}, {}
    for tier in TIERS:
        name, title = marker("person", tier), marker("case", tier)
        people[tier] = PersonFactory(primary_name=name, tier=tier)
        cases[tier] = CaseFactory(owner=org_a, tier=tier, person=people[tier], title=title)
        CaseShareFactory(case=cases[tier], organisation=org_b, tier=Tier.PARTNERS)
        markers[tier] += [name, title]
    public = cases["public"]
    records = {kind: {} for kind in KINDS}
    for tier in TIERS:
        texts = {k: marker(k, tier) for k in KINDS}
        records["events"][tier] = TimelineEventFactory(
            case=public, tier=tier, summary=texts["events"]
        )
        records["sources"][tier] = SourceFactory(case=public, tier=tier, title=texts["sources"])
        records["hearings"][tier] = HearingFactory(
            case=public, tier=tier, court=texts["hearings"], date=soon
        )
        records["detentions"][tier] = DetentionFactory(
            case=public, tier=tier, place=texts["detentions"]
        )
        records["charges"][tier] = ChargeFactory(
            case=public, tier=tier, description=texts["charges"]
        )
        markers[tier] += texts.values()
    CampaignFactory(owner=org_a, tier=Tier.PUBLIC).cases.add(public)
    users = {
        "caseworker_a": make_member(org_a),
        "caseworker_b": make_member(org_b),
        "campaigner_a": make_member(org_a, Membership.Role.CAMPAIGNER),
        "auditor_a": make_member(org_a, Membership.Role.AUDITOR),
        "named_a": make_member(org_a, restricted=True),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    feed = subscription_create(channel=Subscription.Channel.EMAIL, user=users["named_a"])
    return {
        "orgs": {"a": org_a, "b": org_b},
        "cases": cases,
        "people": people,
        "records": records,
        "markers": markers,
        "users": users,
        "feed": feed,
    }


@pytest.fixture
def clients(world, otp_login):
    out = {"anonymous": Client()}
    for who, org in (("partner_a", "a"), ("partner_b", "b")):
        _token, raw = partner_token_create(organisation=world["orgs"][org])
        out[who] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for who, user in world["users"].items():
        client = Client()
        otp_login(client, user)
        out[who] = client
    return out


def edit_public_case_inlines(client, case) -> None:
    """Named staff saves the public case with every inline source retitled (history rows)."""
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = change_form_data(client.get(url), "case")
    for key, value in list(data.items()):
        if key.endswith("-title") and str(value).startswith("mx-"):
            data[key] = f"{value} (checked)"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = LogEntry.objects.filter(object_id=str(case.pk)).latest("pk")
    assert "source" in entry.get_change_message() and "mx-" not in entry.change_message


# -- the expectations -------------------------------------------------------------------
def admin_record_status(who: str, tier: str) -> str:
    if who not in STAFF:
        return "login"
    return "ok" if tier in ADMIN_SEES[who] else "gone"


def api_record_status(who: str, tier: str) -> int:
    if who == "anonymous":
        return 401
    return 200 if tier in API_SEES[who] else 404


# Admin pages that do not depend on a record's tier: role -> expected outcome.
CASE_DATA_ADMIN = {"ok": STAFF}
AUDIT_ADMIN = {"ok": {"auditor_a", "superuser"}, "denied": STAFF - {"auditor_a", "superuser"}}
PLATFORM_ADMIN = {"ok": {"superuser"}, "denied": STAFF - {"superuser"}}
ADMIN_PAGES = {
    "cases.case": CASE_DATA_ADMIN,
    "cases.reviewitem": CASE_DATA_ADMIN,
    "cases.facility": CASE_DATA_ADMIN,
    "people.person": CASE_DATA_ADMIN,
    "people.organisation": CASE_DATA_ADMIN,
    "campaigns.campaign": CASE_DATA_ADMIN,
    "campaigns.signatory": CASE_DATA_ADMIN,
    "campaigns.countryrating": CASE_DATA_ADMIN,
    "people.auditentry": AUDIT_ADMIN,
    "campaigns.subscription": PLATFORM_ADMIN,
    "campaigns.reminder": PLATFORM_ADMIN,
    "campaigns.needsreviewreminder": PLATFORM_ADMIN,
    "campaigns.reminderattempt": PLATFORM_ADMIN,
    "auth.user": PLATFORM_ADMIN,
    "people.membership": PLATFORM_ADMIN,
    "auth.group": PLATFORM_ADMIN,
    "otp_totp.totpdevice": PLATFORM_ADMIN,
    "axes.accessattempt": PLATFORM_ADMIN,
    "axes.accesslog": PLATFORM_ADMIN,
    "axes.accessfailurelog": PLATFORM_ADMIN,
}


def page_outcome(table: dict, who: str) -> str:
    if who not in STAFF:
        return "login"
    return next(outcome for outcome, roles in table.items() if who in roles)


# -- the cells --------------------------------------------------------------------------
def record_cells(world) -> list[tuple[str, str, str, str, object]]:
    """(surface, url, tier, name, expectation function) for every tier-dependent URL."""
    cells = []
    public = world["cases"]["public"].pk
    for tier in TIERS:
        case, person = world["cases"][tier].pk, world["people"][tier].pk
        for name, url in (
            ("admin:case-change", reverse("admin:cases_case_change", args=[case])),
            ("admin:case-history", reverse("admin:cases_case_history", args=[case])),
            ("admin:person-change", reverse("admin:people_person_change", args=[person])),
            ("admin:person-history", reverse("admin:people_person_history", args=[person])),
        ):
            cells.append(("admin", url, tier, name, admin_record_status))
        cells.append(("api", f"/api/v1/cases/{case}/", tier, "case-detail", api_record_status))
        cells.append(("api", f"/api/v1/people/{person}/", tier, "person-detail", api_record_status))
        for kind in KINDS:
            cells.append(
                ("api", f"/api/v1/cases/{case}/{kind}/", tier, f"{kind}-list", api_record_status)
            )
            pk = world["records"][kind][tier].pk
            url = f"/api/v1/cases/{public}/{kind}/{pk}/"
            cells.append(("api", url, tier, f"{kind}-detail", api_record_status))
        hearing = world["records"]["hearings"][tier].pk
        url = f"/api/v1/hearings/{hearing}/"
        cells.append(("api", url, tier, "hearing-detail", api_record_status))
    return cells


def admin_page_cells(world) -> list[tuple[str, str, dict | str]]:
    """(url, name, expectation table) for admin pages of every registered model."""
    cells = [
        ("/admin/", "index", CASE_DATA_ADMIN),
        (reverse("admin:campaigns_reminder_upcoming"), "upcoming", CASE_DATA_ADMIN),
        ("/admin/jsi18n/", "jsi18n", CASE_DATA_ADMIN),
        ("/admin/password_change/", "password_change", CASE_DATA_ADMIN),
    ]
    for app, model, field in (
        ("cases", "case", "person"),
        ("campaigns", "campaign", "cases"),
        ("cases", "detention", "facility"),
        ("cases", "caseshare", "organisation"),
    ):
        url = f"/admin/autocomplete/?app_label={app}&model_name={model}&field_name={field}"
        cells.append((url, f"autocomplete {model}.{field}", CASE_DATA_ADMIN))
    for model in admin.site._registry:
        table = ADMIN_PAGES[model._meta.label_lower]
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        cells.append((url, f"{opts.label_lower} changelist", table))
    return cells


API_PAGES = [
    "/api/v1/cases/",
    "/api/v1/cases/export.csv",
    "/api/v1/hearings/",
    "/api/v1/hearings/upcoming/",
    "/api/v1/people/",
    "/api/v1/organisations/",
    "/api/v1/campaigns/",
    "/api/v1/changes/",
]
PUBLIC_PAGES = ["/api/v1/schema/", "/api/v1/docs/", "/health/"]


def api_page_status(who: str, url: str) -> int:
    if who == "anonymous":
        return 401
    # Auditors read the trail, not the cases' data in bulk (permissions.can_export).
    return 403 if who == "auditor_a" and url.endswith("export.csv") else 200


def outcome_of(response) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 302:
        return "login" if "/login/" in response["Location"] else "gone"
    return str(response.status_code)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def leaked_markers(world, body: str, sees: set[str]) -> list[str]:
    return [m for t in TIERS if t not in sees for m in world["markers"][t] if m in body]


# -- every URL pattern is classified -----------------------------------------------------
CLASSIFIED = (
    "admin/",  # every admin URL: changelists, change, history, add, delete, custom views
    "api/v1/",
    "calendar/",
    "cases/",  # the page reminder links point to
    "health/",
)
STAFF = {"caseworker_a", "caseworker_b", "campaigner_a", "auditor_a", "named_a", "superuser"}
# Outside the admin and API: who may read the /cases/<reference>/ page of a case per tier.
# Partners hold API tokens, not browser sessions: on this page they read as anonymous.
CASE_PAGE_SEES = {
    **API_SEES,
    "anonymous": {"public"},
    "partner_a": {"public"},
    "partner_b": {"public"},
}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    out = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            out += _patterns(pattern, prefix + str(pattern.pattern).replace("^", ""))
        elif isinstance(pattern, URLPattern):
            out.append((prefix + str(pattern.pattern)).replace("^", "").replace("$", ""))
    return out


def test_every_url_pattern_is_covered_by_the_matrix():
    unknown = [p for p in _patterns(get_resolver()) if not p.startswith(CLASSIFIED)]
    assert unknown == []
    assert set(ADMIN_PAGES) == {m._meta.label_lower for m in admin.site._registry}
    api = [p.removeprefix("api/v1/") for p in _patterns(get_resolver()) if "api/v1/" in p]
    templates = {
        "cases/",
        "cases/<int:case_pk>/",
        "hearings/",
        "people/",
        "organisations/",
        "campaigns/",
        "changes/",
        "schema/",
        "docs/",
        "(?P<path>.*)",  # the JSON 404 for unknown API paths
    }
    assert all(any(p.startswith(t) for t in templates) for p in api), api


# -- the matrix -------------------------------------------------------------------------
def test_access_matrix_over_every_url_role_and_tier_has_no_leaking_cell(world, clients):
    edit_public_case_inlines(clients["named_a"], world["cases"]["public"])
    failing = []

    for surface, url, tier, name, expect in record_cells(world):
        for who in ROLES:
            response = clients[who].get(url)
            got = outcome_of(response) if surface == "admin" else response.status_code
            want = expect(who, tier)
            sees = (ADMIN_SEES if surface == "admin" else API_SEES)[who]
            leaks = leaked_markers(world, body_of(response), sees)
            if got != want or leaks:
                failing.append((who, name, tier, url, f"got {got}, want {want}", leaks))

    for url, name, table in admin_page_cells(world):
        for who in ROLES:
            response = clients[who].get(url)
            got, want = outcome_of(response), page_outcome(table, who)
            leaks = leaked_markers(world, body_of(response), ADMIN_SEES[who])
            if got != want or leaks:
                failing.append((who, name, "-", url, f"got {got}, want {want}", leaks))

    feed_url = reverse("reminders:calendar-feed", args=[world["feed"].calendar_token])
    for url in [*API_PAGES, *PUBLIC_PAGES, feed_url]:
        for who in ROLES:
            response = clients[who].get(url)
            want = 200 if url in PUBLIC_PAGES or url == feed_url else api_page_status(who, url)
            # The feed shows what its subscriber (named_a, capped below restricted) may see.
            sees = API_SEES["named_a"] if url == feed_url else API_SEES[who]
            leaks = leaked_markers(world, body_of(response), sees)
            if response.status_code != want or leaks:
                failing.append((who, url, "-", url, f"got {response.status_code}", leaks))

    assert not failing, "\n".join(map(str, failing))


def test_the_case_page_sends_staff_to_the_admin_and_shows_others_only_what_they_may_see(
    world, clients
):
    failing = []
    for tier in TIERS:  # /cases/<reference>/: staff go on to the admin, others read it here
        case = world["cases"][tier]
        for who in ROLES:
            response = clients[who].get(reverse("case-page", args=[case.reference]))
            if who in STAFF:
                want = 302 if tier in ADMIN_SEES[who] else 404
            else:
                want = 200 if tier in CASE_PAGE_SEES[who] else 404
            leaks = leaked_markers(world, body_of(response), CASE_PAGE_SEES[who] - {"restricted"})
            if response.status_code != want or leaks:
                failing.append(
                    (
                        who,
                        "case page",
                        tier,
                        case.reference,
                        f"got {response.status_code}, want {want}",
                        leaks,
                    )
                )

    assert not failing, "\n".join(map(str, failing))
