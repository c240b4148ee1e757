"""Writes for cases and their records, shared by the seed loader, importers and the API.

Records of a case (events, charges, hearings, detentions, sources, review items) are
keyed on ``(case, fingerprint)`` when an importer sets a fingerprint: a re-run of the
same import finds the row and writes nothing when nothing changed. A row a caseworker
has edited (``edited=True``, see ``record_mark_edited``) is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone as dj_timezone

from cases.changefeed import kind_of, log_changes
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
from casetracker.upserts import Outcome, Upserted, bulk_save_upserts, save_upsert
from people.models import Organisation, Person

R = TypeVar("R", bound=models.Model)
_WRITTEN = (Outcome.CREATED, Outcome.UPDATED)


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


def records_by_fingerprint(model: type[R], *, case: Case) -> dict[str, R]:
    """The fingerprinted records of one kind of ``case``, in one query, by fingerprint."""
    found = model.objects.filter(case=case).exclude(fingerprint="")
    return {obj.fingerprint: obj for obj in found}


@transaction.atomic
def records_upsert(
    model: type[R],
    *,
    case: Case,
    rows: Sequence[tuple[str, dict[str, Any]]],
    existing: dict[str, R] | None = None,
) -> list[Upserted[R]]:
    """The batched sibling of the ``*_upsert`` services for many records of one case.

    ``rows`` are ``(fingerprint, values)`` with values built by the kind's ``*_values``
    function (the same the per-row service uses), so the outcomes are the same as one
    service call per row, in order: existing rows are read in one query keyed by
    fingerprint, new rows bulk-created, changed ones bulk-updated (both audited by
    ``AuditedQuerySet``), edited rows kept, and every created or updated record logged
    to the change feed (bulk writes send no post_save signal). A caller writing one kind
    in several batches passes ``existing`` (``records_by_fingerprint``) read once.
    """
    if existing is None:
        has_fingerprints = any(fingerprint for fingerprint, _ in rows)
        existing = records_by_fingerprint(model, case=case) if has_fingerprints else {}
    pairs = [
        (
            existing.get(fingerprint) if fingerprint else None,
            {"case": case, "fingerprint": fingerprint, **values},
        )
        for fingerprint, values in rows
    ]
    results = bulk_save_upserts(model, pairs, respect_edited=True)
    kind = kind_of(model)
    written = [(kind, r.obj.pk) for r in results if r.outcome in _WRITTEN]
    if kind is not None and written:
        # As the post_save receiver does: the case shows its records, so it changed too.
        log_changes([*written, ("case", case.pk)])
    return results


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
    *, case: Case, fingerprint: str = "", **fields: Any
) -> Upserted[TimelineEvent]:
    """Upsert by (case, fingerprint); ``fields`` are those of ``timeline_event_values``."""
    values = timeline_event_values(**fields)
    return _record_upsert(TimelineEvent, case=case, fingerprint=fingerprint, values=values)


def timeline_event_values(
    *,
    date: PartialDate,
    type: str,
    summary: str,
    line: int | None = None,
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> dict[str, Any]:
    """What ``timeline_event_upsert`` writes (for ``records_upsert``)."""
    return {
        "date_partial": date,
        "type": type,
        "summary": summary,
        "line": line,
        "source": source,
        "tier": tier,
    }


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
    values = charge_document_values(
        kind=kind, date=date, title=title, is_current=is_current, source=source, tier=tier
    )
    existing = _by_fingerprint(ChargeDocument, case, fingerprint)
    if is_current and not (existing is not None and existing.edited):
        # The database allows one current list per case (chargedoc_one_current).
        others = ChargeDocument.objects.filter(case=case, is_current=True)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        others.update(is_current=False, updated_at=dj_timezone.now())
    return _record_upsert(ChargeDocument, case=case, fingerprint=fingerprint, values=values)


def charge_document_values(
    *,
    kind: str,
    date: PartialDate | None = None,
    title: str = "",
    is_current: bool = False,
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> dict[str, Any]:
    """What ``charge_document_upsert`` writes (for ``charge_documents_upsert``)."""
    return {
        "kind": kind,
        "date_partial": date,
        "title": title,
        "is_current": is_current,
        "source": source,
        "tier": tier,
    }


@transaction.atomic
def charge_documents_upsert(
    *, case: Case, rows: Sequence[tuple[str, dict[str, Any]]]
) -> list[Upserted[ChargeDocument]]:
    """The batched sibling of ``charge_document_upsert``: same rows, same outcomes as one
    call per row in order, including the demotion of the case's other current list when
    the batch's current row is reached (at most one row of a batch may be current)."""
    current = [i for i, (_, values) in enumerate(rows) if values["is_current"]]
    if len(current) > 1:
        raise ValueError("At most one charge document of a batch can be current.")
    existing = records_by_fingerprint(ChargeDocument, case=case)
    if current:
        fingerprint = rows[current[0]][0]
        mine = existing.get(fingerprint) if fingerprint else None
        if not (mine is not None and mine.edited):
            others = ChargeDocument.objects.filter(case=case, is_current=True)
            if mine is not None:
                others = others.exclude(pk=mine.pk)
            others.update(is_current=False, updated_at=dj_timezone.now())
            # Rows after the current one would find their document demoted already;
            # rows before it demote themselves (their values say not current).
            later = {fp for fp, _ in rows[current[0] + 1 :] if fp}
            for obj in existing.values():
                if obj is not mine and obj.fingerprint in later:
                    obj.is_current = False
    return records_upsert(ChargeDocument, case=case, rows=rows, existing=existing)


@transaction.atomic
def charge_upsert(*, case: Case, fingerprint: str = "", **fields: Any) -> Upserted[Charge]:
    """Upsert by (case, fingerprint); ``fields`` are those of ``charge_values``."""
    values = charge_values(**fields)
    return _record_upsert(Charge, case=case, fingerprint=fingerprint, values=values)


def charge_values(
    *,
    law: str,
    section: str = "",
    description: str = "",
    status: str = Charge.Status.ALLEGED,
    document: ChargeDocument | None = None,
    position: int = 0,
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> dict[str, Any]:
    """What ``charge_upsert`` writes (for ``records_upsert``)."""
    return {
        "law": law,
        "section": section,
        "description": description,
        "status": status,
        "document": document,
        "position": position,
        "source": source,
        "tier": tier,
    }


@transaction.atomic
def hearing_upsert(*, case: Case, fingerprint: str = "", **fields: Any) -> Upserted[Hearing]:
    """Upsert by (case, fingerprint); ``fields`` are those of ``hearing_values``."""
    values = hearing_values(**fields)
    return _record_upsert(Hearing, case=case, fingerprint=fingerprint, values=values)


def hearing_values(
    *,
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
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> dict[str, Any]:
    """What ``hearing_upsert`` writes (for ``records_upsert``)."""
    return {
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
def detention_upsert(*, case: Case, fingerprint: str = "", **fields: Any) -> Upserted[Detention]:
    """Upsert by (case, fingerprint); ``fields`` are those of ``detention_values``."""
    values = detention_values(**fields)
    return _record_upsert(Detention, case=case, fingerprint=fingerprint, values=values)


def detention_values(
    *,
    type: str,
    start: PartialDate | None = None,
    end: PartialDate | None = None,
    facility: Facility | None = None,
    place: str = "",
    legal_basis: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> dict[str, Any]:
    """What ``detention_upsert`` writes (for ``records_upsert``)."""
    return {
        "type": type,
        "start_partial": start,
        "end_partial": end,
        "facility": facility,
        "place": place,
        "legal_basis": legal_basis,
        "source": source,
        "tier": tier,
    }


@transaction.atomic
def review_item_upsert(*, case: Case, fingerprint: str = "", **fields: Any) -> Upserted[ReviewItem]:
    """Raise a problem for a caseworker. Its status is theirs: a re-import never reopens it."""
    values = review_item_values(**fields)
    return _record_upsert(ReviewItem, case=case, fingerprint=fingerprint, values=values)


def review_item_values(
    *,
    kind: str,
    message: str,
    line: int | None = None,
    as_written: str = "",
    suggestion: str = "",
    source: Source | None = None,
    tier: str = Tier.INTERNAL,
) -> dict[str, Any]:
    """What ``review_item_upsert`` writes (for ``records_upsert``)."""
    return {
        "kind": kind,
        "message": message,
        "line": line,
        "as_written": as_written,
        "suggestion": suggestion,
        "source": source,
        "tier": tier,
    }


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
