"""The partner API's case representation, built from column tuples (issue 7).

``CaseSerializer`` (cases/serializers.py) declares the representation: the OpenAPI schema is
generated from it and ``tests/api/test_case_rows.py`` checks, over randomised worlds and
every kind of reader, that what this module builds is exactly what that serializer gives.
This module builds the same dicts without model instances or DRF fields: at 500 cases a
page, instantiating ~13,000 model rows and dispatching ~140,000 field reads cost ~75 % of
the request (README "Performance").

Visibility is unchanged and still decided by casetracker/visibility.py: the page of cases
comes from ``visible()``, people and campaigns from ``visible()`` restricted to the page,
and the page's charges, open detentions and upcoming hearings from ``case_records_q`` (the
page-scoped form of ``visible()``). Query count per page is constant: the page, the
viewer's shares of the page, people, aliases, campaigns, charges, detentions, hearings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from cases.api_selectors import ENDED_CHARGE_STATUSES
from cases.models import Charge, Detention, Hearing, case_days_detained
from casetracker.api.base import sees_staff_fields
from casetracker.partialdate import PartialDate, Precision, edtf_text, iso_text
from casetracker.visibility import (
    Viewer,
    case_people_q,
    case_record_tiers,
    case_records_q,
    visible,
)
from people.models import Person, PersonAlias


def _partial(name: str) -> tuple[str, ...]:
    return (name, f"{name}_precision", f"{name}_approximate", f"{name}_as_written")


# Columns of the page query (``pk`` first: the cursor paginator reads the position from it).
CASE_COLUMNS = (
    "pk",
    "reference",
    "title",
    "kind",
    "person_id",
    "person__tier",
    "group_name",
    "group_size",
    "country",
    "status",
    "summary",
    "language",
    "owner_id",
    "owner__name",
    "owner__acronym",
    "tier",
    *_partial("detained_since"),
    *_partial("released_on"),
    "verdict_reached",
    "consent",
    "wgad_categories",
    "created_at",
    "updated_at",
)
STAFF_COLUMNS = ("consent_given_by", "consent_date", "consent_note", "legal_assessment")

_PRECISIONS = {int(p): p for p in Precision}
_PRECISION_LABELS = {int(p): p.label for p in Precision}


def partial_date(value, precision, approximate, as_written) -> dict | None:
    """What casetracker.api.fields.PartialDateField gives for these four columns."""
    if value is None:
        return None
    return {
        "date": iso_text(value, precision),
        "precision": _PRECISION_LABELS[precision],
        "approximate": approximate,
        "as_written": as_written,
        "edtf": edtf_text(value, precision, approximate),
    }


def datetime_text(value: dt.datetime | None, tz) -> str | None:
    """DRF's DateTimeField output: in the current time zone ``tz``, ISO 8601, UTC as ``Z``."""
    if value is None:
        return None
    value = value.astimezone(tz).isoformat()
    return value[:-6] + "Z" if value.endswith("+00:00") else value


def case_columns(viewer: Viewer) -> tuple[str, ...]:
    return CASE_COLUMNS + STAFF_COLUMNS if sees_staff_fields(viewer) else CASE_COLUMNS


def case_rows(viewer: Viewer, qs: QuerySet) -> QuerySet:
    """``qs`` (already visible to ``viewer``) as dicts of the columns the representation uses."""
    return qs.values(*case_columns(viewer))


def case_representations(
    viewer: Viewer, rows: Iterable[dict], *, today: dt.date | None = None
) -> list[dict]:
    """The API representation of ``rows`` (from ``case_rows``), in their order."""
    rows = list(rows)
    if not rows:
        return []
    today = today or dt.date.today()
    children = _children(viewer, rows, today=today)
    staff = sees_staff_fields(viewer)
    tz = timezone.get_current_timezone()
    return [_case(row, children, staff, today, tz) for row in rows]


def _case(r: dict, ch: _Children, staff: bool, today: dt.date, tz) -> dict:
    pk = r["pk"]
    since = (
        r["detained_since"],
        r["detained_since_precision"],
        r["detained_since_approximate"],
        r["detained_since_as_written"],
    )
    released = (
        r["released_on"],
        r["released_on_precision"],
        r["released_on_approximate"],
        r["released_on_as_written"],
    )
    days = case_days_detained(
        _partial_or_none(*since), _partial_or_none(*released), r["status"], today=today
    )
    detention = ch.detentions.get(pk)
    hearing = ch.hearings.get(pk)
    out = {
        "id": pk,
        "reference": r["reference"],
        "title": r["title"],
        "kind": r["kind"],
        "person": ch.people.get(r["person_id"]),
        "group_name": r["group_name"],
        "group_size": r["group_size"],
        "country": str(r["country"]),
        "status": r["status"],
        "summary": r["summary"],
        "language": r["language"],
        "owner": {"id": r["owner_id"], "name": r["owner__name"], "acronym": r["owner__acronym"]},
        "tier": r["tier"],
        "detained_since": partial_date(*since),
        "released_on": partial_date(*released),
        "days_detained": None
        if days is None
        else ({"days": days.low} if days.exact else {"min": days.low, "max": days.high}),
        "verdict_reached": r["verdict_reached"],
        "consent": r["consent"],
        "wgad_categories": r["wgad_categories"],
        "current_detention": detention,
        "current_charges": ch.charges.get(pk, []),
        "next_hearing": hearing,
        "campaigns": ch.campaigns.get(pk, []),
        "created_at": datetime_text(r["created_at"], tz),
        "updated_at": datetime_text(r["updated_at"], tz),
    }
    if staff:
        out["consent_given_by"] = r["consent_given_by"]
        out["consent_date"] = r["consent_date"] and r["consent_date"].isoformat()
        out["consent_note"] = r["consent_note"]
        out["legal_assessment"] = r["legal_assessment"]
    return out


def _partial_or_none(value, precision, approximate, as_written) -> PartialDate | None:
    if value is None:
        return None
    return PartialDate(value, _PRECISIONS[precision], approximate, as_written)


class _Children:
    """Per case id: person, current charges, open detention, next hearing, campaigns."""

    def __init__(self):
        self.people: dict[int, dict] = {}
        self.charges: dict[int, list[dict]] = defaultdict(list)
        self.detentions: dict[int, dict] = {}
        self.hearings: dict[int, dict] = {}
        self.campaigns: dict[int, list[dict]] = defaultdict(list)


def _children(viewer: Viewer, rows: list[dict], *, today: dt.date) -> _Children:
    ch = _Children()
    case_ids = [r["pk"] for r in rows]
    record_tiers = case_record_tiers(viewer, rows)
    _people(case_people_q(viewer, rows, record_tiers), ch)
    _campaigns(viewer, case_ids, ch)
    children_q = case_records_q(viewer, rows, record_tiers)
    _charges(children_q, ch)
    _detentions(children_q, ch)
    _hearings(children_q, ch, today=today)
    return ch


def _people(people_q, ch: _Children) -> None:
    people = Person.objects.filter(people_q).order_by()
    for pk, primary, native in people.values_list("pk", "primary_name", "native_name"):
        ch.people[pk] = {"id": pk, "primary_name": primary, "native_name": native, "aliases": []}
    aliases = PersonAlias.objects.filter(person_id__any=list(ch.people)).order_by("pk")
    for person_id, name in aliases.values_list("person_id", "name"):
        ch.people[person_id]["aliases"].append(name)


def _campaigns(viewer: Viewer, case_ids: list[int], ch: _Children) -> None:
    links = (
        Campaign.cases.through.objects.filter(
            case_id__any=case_ids, campaign_id__in=visible(viewer, Campaign).values("pk")
        )
        .order_by("campaign_id")
        .values_list("case_id", "campaign_id", "campaign__title", "campaign__hashtag")
    )
    for case_id, pk, title, hashtag in links:
        ch.campaigns[case_id].append({"id": pk, "title": title, "hashtag": hashtag})


def _charges(children_q, ch: _Children) -> None:
    charges = (
        Charge.objects.filter(children_q, document__is_current=True)
        .exclude(status__in=ENDED_CHARGE_STATUSES)
        .order_by("position", "pk")
        .values_list("case_id", "pk", "law", "section", "description", "status")
    )
    for case_id, pk, law, section, description, status in charges:
        ch.charges[case_id].append(
            {"id": pk, "law": law, "section": section, "description": description, "status": status}
        )


def _detentions(children_q, ch: _Children) -> None:
    detentions = (
        Detention.objects.filter(children_q, end__isnull=True)
        .order_by("-start", "-pk")
        .values_list(
            "case_id",
            "pk",
            "type",
            "place",
            *_partial("start"),
            "facility_id",
            "facility__name",
            "facility__city",
            "facility__country",
            "facility__kind",
        )
    )
    for case_id, pk, type_, place, *start, fid, fname, fcity, fcountry, fkind in detentions:
        if case_id in ch.detentions:  # the most recent open detention only
            continue
        facility = fid and {
            "id": fid,
            "name": fname,
            "city": fcity,
            "country": str(fcountry),
            "kind": fkind,
        }
        ch.detentions[case_id] = {
            "id": pk,
            "type": type_,
            "facility": facility or None,
            "place": place,
            "start": partial_date(*start),
        }


def _hearings(children_q, ch: _Children, *, today: dt.date) -> None:
    hearings = (
        Hearing.objects.filter(children_q, date__gte=today, status=Hearing.Status.SCHEDULED)
        .order_by("date", "time", "pk")
        .values_list("case_id", "pk", *_partial("date"), "time", "timezone", "court", "kind")
    )
    for case_id, pk, *date, time, tz, court, kind in hearings:
        if case_id in ch.hearings:  # the next one only
            continue
        ch.hearings[case_id] = {
            "id": pk,
            "date": partial_date(*date),
            "time": time and time.isoformat(),
            "timezone": tz,
            "court": court,
            "kind": kind,
        }
