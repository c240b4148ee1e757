"""Writes for cases and their records, shared by the seed loader, importers and the API.

Records of a case (events, charges, hearings, detentions, sources, review items) are
keyed on ``(case, fingerprint)`` when an importer sets a fingerprint: a re-run of the
same import finds the row and writes nothing when nothing changed. A row a caseworker
has edited (``edited=True``, see ``record_mark_edited``) is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone as dj_timezone

from cases.models import (
    Case,
    CaseRecord,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
)
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate
from casetracker.upserts import Outcome, Upserted, save_upsert
from people.models import Organisation, Person

R = TypeVar("R", bound=models.Model)


@transaction.atomic
def case_upsert(
    *,
    reference: str,
    title: str,
    country: str,
    status: str,
    owner: Organisation,
    kind: str = Case.Kind.INDIVIDUAL,
    person: Person | None = None,
    group_name: str = "",
    group_size: int | None = None,
    summary: str = "",
    language: str = "en",
    tier: str = Tier.INTERNAL,
    detained_since: PartialDate | None = None,
    released_on: PartialDate | None = None,
    verdict_reached: bool = False,
    consent: str = Case.Consent.NONE,
    consent_given_by: str = "",
    consent_date: dt.date | None = None,
    consent_note: str = "",
    wgad_categories: Iterable[str] = (),
    legal_assessment: str = "",
) -> Upserted[Case]:
    """Create the case with this ``reference`` or bring it to these values."""
    values = {
        "reference": reference,
        "title": title,
        "kind": kind,
        "person": person,
        "group_name": group_name,
        "group_size": group_size,
        "country": country,
        "status": status,
        "summary": summary,
        "language": language,
        "owner": owner,
        "tier": tier,
        "detained_since_partial": detained_since,
        "released_on_partial": released_on,
        "verdict_reached": verdict_reached,
        "consent": consent,
        "consent_given_by": consent_given_by,
        "consent_date": consent_date,
        "consent_note": consent_note,
        "wgad_categories": list(wgad_categories),
        "legal_assessment": legal_assessment,
    }
    existing = Case.objects.filter(reference=reference).first()
    # A case a caseworker has changed (status, summary ...) is theirs: keep it as it is.
    return save_upsert(Case, existing, values, respect_edited=True)


def _by_fingerprint(model: type[R], case: Case, fingerprint: str) -> R | None:
    # No fingerprint (hand-made or API rows): nothing to match on, always a new row.
    if not fingerprint:
        return None
    return model.objects.filter(case=case, fingerprint=fingerprint).first()


def _record_upsert(
    model: type[R], *, case: Case, fingerprint: str, values: dict[str, Any]
) -> Upserted[R]:
    existing = _by_fingerprint(model, case, fingerprint)
    values = {"case": case, "fingerprint": fingerprint, **values}
    return save_upsert(model, existing, values, respect_edited=True)


@transaction.atomic
def source_upsert(
    *,
    case: Case,
    title: str,
    fingerprint: str = "",
    publisher: str = "",
    date: PartialDate | None = None,
    url: str = "",
    seed_document: str = "",
    article_title: str = "",
    reliability: str = Source.Reliability.UNKNOWN,
    tier: str = Tier.INTERNAL,
) -> Upserted[Source]:
    values = {
        "title": title,
        "publisher": publisher,
        "date_partial": date,
        "url": url,
        "seed_document": seed_document,
        "article_title": article_title,
        "reliability": reliability,
        "tier": tier,
    }
    return _record_upsert(Source, case=case, fingerprint=fingerprint, values=values)


@transaction.atomic
def timeline_event_upsert(
    *,
    case: Case,
    date: PartialDate,
    type: str,
    summary: str,
    fingerprint: str = "",
    line: int | None = None,
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[TimelineEvent]:
    values = {
        "date_partial": date,
        "type": type,
        "summary": summary,
        "line": line,
        "source": source,
        "tier": tier,
    }
    return _record_upsert(TimelineEvent, case=case, fingerprint=fingerprint, values=values)


@transaction.atomic
def charge_document_upsert(
    *,
    case: Case,
    kind: str,
    date: PartialDate | None = None,
    title: str = "",
    is_current: bool = False,
    fingerprint: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[ChargeDocument]:
    """An arrest memo or charge sheet. Making one current demotes the case's other one."""
    values = {
        "kind": kind,
        "date_partial": date,
        "title": title,
        "is_current": is_current,
        "source": source,
        "tier": tier,
    }
    existing = _by_fingerprint(ChargeDocument, case, fingerprint)
    if is_current and not (existing is not None and existing.edited):
        # The database allows one current list per case (chargedoc_one_current).
        others = ChargeDocument.objects.filter(case=case, is_current=True)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        others.update(is_current=False, updated_at=dj_timezone.now())
    return _record_upsert(ChargeDocument, case=case, fingerprint=fingerprint, values=values)


@transaction.atomic
def charge_upsert(
    *,
    case: Case,
    law: str,
    section: str = "",
    description: str = "",
    status: str = Charge.Status.ALLEGED,
    document: ChargeDocument | None = None,
    position: int = 0,
    fingerprint: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[Charge]:
    values = {
        "law": law,
        "section": section,
        "description": description,
        "status": status,
        "document": document,
        "position": position,
        "source": source,
        "tier": tier,
    }
    return _record_upsert(Charge, case=case, fingerprint=fingerprint, values=values)


@transaction.atomic
def hearing_upsert(
    *,
    case: Case,
    date: PartialDate,
    court: str = "",
    time: dt.time | None = None,
    timezone: str = "",
    kind: str = Hearing.Kind.OTHER,
    status: str = Hearing.Status.SCHEDULED,
    outcome: str = "",
    custody_days: int | None = None,
    custody_until: dt.date | None = None,
    next_hearing: Hearing | None = None,
    postponed_from: Hearing | None = None,
    fingerprint: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[Hearing]:
    values = {
        "date_partial": date,
        "court": court,
        "time": time,
        "timezone": timezone,
        "kind": kind,
        "status": status,
        "outcome": outcome,
        "custody_days": custody_days,
        "custody_until": custody_until,
        "next_hearing": next_hearing,
        "postponed_from": postponed_from,
        "source": source,
        "tier": tier,
    }
    return _record_upsert(Hearing, case=case, fingerprint=fingerprint, values=values)


@transaction.atomic
def facility_get_or_create(
    *, name: str, country: str, city: str = "", kind: str = Facility.Kind.PRISON
) -> Upserted[Facility]:
    """Facilities are shared reference data: found by (name, city, country), never changed."""
    existing = Facility.objects.filter(name=name, city=city, country=country).first()
    if existing is not None:
        return Upserted(existing, Outcome.UNCHANGED)
    values = {"name": name, "city": city, "country": country, "kind": kind}
    return save_upsert(Facility, None, values, respect_edited=False)


@transaction.atomic
def detention_upsert(
    *,
    case: Case,
    type: str,
    start: PartialDate | None = None,
    end: PartialDate | None = None,
    facility: Facility | None = None,
    place: str = "",
    legal_basis: str = "",
    fingerprint: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[Detention]:
    values = {
        "type": type,
        "start_partial": start,
        "end_partial": end,
        "facility": facility,
        "place": place,
        "legal_basis": legal_basis,
        "source": source,
        "tier": tier,
    }
    return _record_upsert(Detention, case=case, fingerprint=fingerprint, values=values)


@transaction.atomic
def review_item_upsert(
    *,
    case: Case,
    kind: str,
    message: str,
    line: int | None = None,
    as_written: str = "",
    suggestion: str = "",
    fingerprint: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[ReviewItem]:
    """Raise a problem for a caseworker. Its status is theirs: a re-import never reopens it."""
    values = {
        "kind": kind,
        "message": message,
        "line": line,
        "as_written": as_written,
        "suggestion": suggestion,
        "source": source,
        "tier": tier,
    }
    return _record_upsert(ReviewItem, case=case, fingerprint=fingerprint, values=values)


def importer_may_match(record: models.Model) -> bool:
    """Whether an importer could find ``record`` again and overwrite it: fingerprinted
    records of a case, and every case (found by reference) and person (by name and
    country). Hand-made records (empty fingerprint) and models without ``edited`` not."""
    if not hasattr(record, "edited"):
        return False
    return bool(record.fingerprint) if hasattr(record, "fingerprint") else True


@transaction.atomic
def record_mark_edited(*, record: CaseRecord | Case | Person) -> bool:
    """Called when a caseworker changes a row: importers and load_seeds leave it alone.

    The one implementation for the admin, the API and tests. Only rows an importer could
    match are flagged (``importer_may_match``). The flag is written with an UPDATE of that
    column alone: the caseworker's own save already moved ``updated_at`` and was logged.
    Returns whether the flag was set now.
    """
    if not importer_may_match(record) or record.edited:
        return False
    record.edited = True
    if record.pk is not None:
        type(record)._default_manager.filter(pk=record.pk).update(edited=True)
    return True
