"""Write a parsed chronology into a case, through the cases services, in one transaction.

``chronology_import(case=..., text=...)`` parses the whole text first (``seeds.chronology``,
no database), then writes in one short transaction:

* a ``Source`` for the pasted text (or the ``source`` given, e.g. a seed article);
* one ``TimelineEvent`` per entry (date with precision and as written, type, line, text);
* charges grouped into ``ChargeDocument`` rows per (document, date) — arrest memo, charge
  sheet, FIR — with the latest dated document of the import made current (unless the case
  already holds a later current list); charges named without a document are loose charges;
* ``Hearing`` rows (custody extensions as remand hearings with ``custody_days`` and
  ``custody_until``), ``Detention`` rows (facilities such as Tihar got or created), and
* every parser warning as an open ``ReviewItem``.

Every row carries a fingerprint derived from what the source says, so importing the same
text again creates nothing and changes nothing; rows a caseworker has edited since are
kept as they are (``kept_edited``). Invalid input raises ``ChronologyImportError`` and
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    ReviewItem,
    Source,
    TimelineEvent,
    new_case_reference,
)
from casetracker.fields import TIER_RANK, Tier
from casetracker.partialdate import PartialDate, Precision
from casetracker.upserts import Outcome, Upserted
from people.models import Organisation, Person
from seeds.chronology import ChronologyError, ParseResult, parse
from seeds.chronology import model as parsed
from seeds.chronology.model import fingerprint as text_fingerprint

OUTCOMES = ("created", "updated", "unchanged", "kept_edited")
# The kinds an import writes, in the order a report lists them.
KINDS = (
    "sources",
    "timeline events",
    "charge documents",
    "charges",
    "hearings",
    "facilities",
    "detentions",
    "review items",
)
_DOCUMENT_KINDS = {
    "arrest memo": ChargeDocument.Kind.ARREST_MEMO,
    "charge sheet": ChargeDocument.Kind.CHARGE_SHEET,
    "fir": ChargeDocument.Kind.FIR,
    "indictment": ChargeDocument.Kind.INDICTMENT,
}
_HEARING_KINDS = {
    "custody_extension": Hearing.Kind.REMAND,
    "remand": Hearing.Kind.REMAND,
    "trial_session": Hearing.Kind.TRIAL_SESSION,
    "verdict": Hearing.Kind.VERDICT,
    "appeal": Hearing.Kind.APPEAL,
    "bail": Hearing.Kind.BAIL,
}
_MAX_AS_WRITTEN = 500
PROGRESS_EVERY = 1000


class ChronologyImportError(ValueError):
    """The text cannot be imported; nothing was written. The message is for caseworkers."""


@dataclass
class ImportReport:
    """What an import found and did: the parse result and counts per (kind, outcome)."""

    result: ParseResult
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    source_id: int | None = None

    def add(self, result: Upserted) -> Any:
        self.counts[(str(result.obj._meta.verbose_name_plural), str(result.outcome))] += 1
        return result.obj

    def count(self, kind: str, outcome: str) -> int:
        return self.counts[(kind, outcome)]

    def total(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.counts.items() if o == outcome)

    def table(self) -> list[tuple[str, dict[str, int]]]:
        """One row per kind written: {outcome: number}."""
        return [(k, {o: self.count(k, o) for o in OUTCOMES}) for k in KINDS if self._seen(k)]

    def _seen(self, kind: str) -> bool:
        return any(k == kind for k, _ in self.counts)


class _DryRun(Exception):
    pass


def chronology_parse(text: object, *, default_year: int | None = None) -> ParseResult:
    """Parse only (no database), with the loader's error type and messages."""
    try:
        return parse(text, default_year=default_year)  # type: ignore[arg-type]
    except ChronologyError as exc:
        raise ChronologyImportError(f"The chronology cannot be read: {exc}.") from None


def chronology_import(
    *,
    case: Case,
    text: str,
    source_title: str = "Pasted chronology",
    source: Source | None = None,
    seed_document: str = "",
    tier: str | None = None,
    default_year: int | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    result: ParseResult | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import ``text`` into ``case``. ``dry_run`` validates every row, then rolls back.

    ``tier`` is the tier of every row written; by default internal, or the case's own
    tier when that is more sensitive: a pasted text is never published by importing it.
    ``result`` skips parsing when the caller parsed ``text`` already (the admin preview).
    ``progress(done, total)`` is called every ``PROGRESS_EVERY`` entries written.
    """
    result = result if result is not None else chronology_parse(text, default_year=default_year)
    report = ImportReport(result=result, dry_run=dry_run)
    tier = tier or _default_tier(case)
    today = timezone.localdate(now) if now else timezone.localdate()
    try:
        with transaction.atomic():
            writer = _Writer(case, report, tier, today, progress)
            writer.write(text, source, source_title, seed_document)
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.source_id = None
    except ValidationError as exc:
        raise ChronologyImportError(f"The chronology cannot be saved: {_messages(exc)}") from None
    except IntegrityError:
        # Row validation leaves uniqueness and check constraints to the database; the
        # likeliest cause is another import into the same case at the same moment.
        raise ChronologyImportError(
            "The chronology cannot be saved: it conflicts with records written meanwhile "
            "(another import into this case?). Nothing was saved; please try again."
        ) from None
    return report


@transaction.atomic
def chronology_case_create(
    *,
    person_name: str,
    country: str,
    owner: Organisation,
    status: str = Case.Status.DETAINED,
    tier: str = Tier.INTERNAL,
) -> Case:
    """A new individual case for a chronology's subject, with a new person.

    Always a new person: matching an existing one by name could attach (and reveal) a
    person of another organisation's case. Never public: publicity needs consent first.
    """
    if tier == Tier.PUBLIC:
        raise ChronologyImportError("A new case cannot be public before publicity consent.")
    person = Person(primary_name=person_name.strip(), country=country, tier=tier)
    try:
        person.full_clean()
        person.save()
        return services.case_upsert(
            reference=new_case_reference(),
            title=person.primary_name,
            country=country,
            status=status,
            owner=owner,
            person=person,
            tier=tier,
        ).obj
    except ValidationError as exc:
        raise ChronologyImportError(f"The case cannot be created: {_messages(exc)}") from None


def _default_tier(case: Case) -> str:
    if TIER_RANK[Tier(case.tier)] > TIER_RANK[Tier.INTERNAL]:
        return case.tier
    return Tier.INTERNAL


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _digest(*parts: object) -> str:
    payload = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class _Fingerprints:
    """Fingerprints unique within one import: a line pasted twice gets "#2" appended, so
    both rows are kept (and a re-import matches each to itself again)."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def __call__(self, base: str) -> str:
        self.seen[base] += 1
        n = self.seen[base]
        return base if n == 1 else _digest(base, n)


class _Writer:
    def __init__(
        self,
        case: Case,
        report: ImportReport,
        tier: str,
        today: dt.date,
        progress: Callable[[int, int], None] | None,
    ):
        self.case, self.report, self.tier, self.today = case, report, tier, today
        self.progress = progress
        self.result = report.result
        self.source: Source | None = None
        self.facilities: dict[tuple[str, str, str], Facility] = {}

    def shared(self) -> dict[str, Any]:
        """What every row of a batch carries besides its fingerprint."""
        return {"source": self.source, "tier": self.tier}

    def save(
        self, model: type, rows: list[tuple[str, dict[str, Any]]], existing: dict | None = None
    ) -> list[Any]:
        """Write one kind's rows in one batch (``records_upsert``); count the outcomes."""
        results = services.records_upsert(model, case=self.case, rows=rows, existing=existing)
        return [self.report.add(result) for result in results]

    def write(self, text: str, source: Source | None, title: str, seed_document: str) -> None:
        self.source = source or self.report.add(
            services.source_upsert(
                case=self.case,
                title=title[:500],
                fingerprint=_digest("chronology-source", text_fingerprint("", text)),
                seed_document=seed_document,
                tier=self.tier,
            )
        )
        self.report.source_id = self.source.pk
        self.events()
        self.charges()
        self.hearings()
        self.detentions()
        self.review_items()

    # -- entries ---------------------------------------------------------------------------
    def events(self) -> None:
        fps = _Fingerprints()
        entries = self.result.entries
        total = len(entries)
        existing = services.records_by_fingerprint(TimelineEvent, case=self.case)
        for start in range(0, total, PROGRESS_EVERY):
            rows = [
                (
                    fps(entry.fingerprint),
                    services.timeline_event_values(
                        **self.shared(),
                        date=entry.date,
                        type=entry.type,
                        summary=entry.text or entry.as_written,
                        line=entry.line,
                    ),
                )
                for entry in entries[start : start + PROGRESS_EVERY]
            ]
            self.save(TimelineEvent, rows, existing)
            if self.progress:
                self.progress(min(start + PROGRESS_EVERY, total), total)

    # -- charges ---------------------------------------------------------------------------
    def charges(self) -> None:
        documents = _group_by_document(self.result.charges)
        current = _latest_key(documents)
        if current is not None and self._later_current_exists(documents, current):
            current = None
        named = [key for key in documents if key[0] is not None]
        found = self._documents(named, current)
        charge_fps = _Fingerprints()
        rows: list[tuple[str, dict[str, Any]]] = []
        for key, charges in documents.items():
            rows += self._charges(charge_fps, charges, found.get(key), key)
        self.save(Charge, rows)

    def _documents(
        self, keys: list[tuple[str | None, PartialDate | None]], current: tuple | None
    ) -> dict[tuple, ChargeDocument]:
        fps = _Fingerprints()
        rows = []
        for name, date in keys:
            kind = _DOCUMENT_KINDS.get((name or "").casefold(), ChargeDocument.Kind.OTHER)
            label = ChargeDocument.Kind(kind).label
            values = services.charge_document_values(
                **self.shared(),
                kind=kind,
                date=date,
                title=f"{label} {date.iso()}" if date else str(label),
                is_current=(name, date) == current,
            )
            base = _digest("chargedoc", kind, date.iso() if date else "", name)
            rows.append((fps(base), values))
        results = services.charge_documents_upsert(case=self.case, rows=rows)
        return {key: self.report.add(result) for key, result in zip(keys, results, strict=True)}

    def _charges(
        self,
        fps: _Fingerprints,
        charges: list[parsed.Charge],
        document: ChargeDocument | None,
        key: tuple[str | None, PartialDate | None],
    ) -> list[tuple[str, dict[str, Any]]]:
        filed = document is not None and document.kind == ChargeDocument.Kind.CHARGE_SHEET
        status = Charge.Status.FILED if filed else Charge.Status.ALLEGED
        rows = []
        for position, charge in enumerate(charges, 1):
            base = _digest(
                "charge", key[0], key[1].iso() if key[1] else "", charge.law, charge.section
            )
            values = services.charge_values(
                **self.shared(),
                law=charge.law,
                section=charge.section,
                description=charge.description,
                status=status,
                document=document,
                position=position if document else 0,
            )
            rows.append((fps(base), values))
        return rows

    def _later_current_exists(self, documents: dict, current: tuple) -> bool:
        """Another current list of charges (not from this import) dated after ours."""
        others = ChargeDocument.objects.filter(case=self.case, is_current=True)
        ours = current[1]
        for other in others:
            theirs = other.date_partial
            if theirs is not None and ours is not None and theirs.earliest > ours.latest:
                return True
        return False

    # -- hearings and detentions -----------------------------------------------------------
    def hearings(self) -> None:
        fps = _Fingerprints()
        rows = []
        for hearing in self.result.hearings:
            until = hearing.custody_until
            values = services.hearing_values(
                **self.shared(),
                date=hearing.date,
                court=(hearing.court or "")[:255],
                kind=_HEARING_KINDS.get(hearing.kind, Hearing.Kind.OTHER),
                status=self._hearing_status(hearing.date),
                outcome=hearing.text,
                custody_days=hearing.custody_days,
                custody_until=until.value if until and until.precision == Precision.DAY else None,
            )
            rows.append((fps(_digest("hearing", hearing.date.as_written, hearing.text)), values))
        self.save(Hearing, rows)

    def _hearing_status(self, date: PartialDate) -> str:
        # A chronology reports what happened; a date still ahead is a scheduled hearing.
        return Hearing.Status.HELD if date.latest < self.today else Hearing.Status.SCHEDULED

    def detentions(self) -> None:
        fps = _Fingerprints()
        bases = _legal_bases(self.result.charges)
        rows = []
        for detention in self.result.detentions:
            facility = self._facility(detention) if detention.facility else None
            base = _digest(
                "detention", detention.type, detention.date.as_written, detention.facility
            )
            values = services.detention_values(
                **self.shared(),
                type=detention.type,
                start=detention.date,
                facility=facility,
                place=(detention.place or "")[:255],
                legal_basis=bases.get(detention.line, "")[:255],
            )
            rows.append((fps(_digest(base, detention.text)), values))
        self.save(Detention, rows)

    def _facility(self, detention: parsed.Detention) -> Facility:
        name = detention.facility or ""
        police = "police" in name.casefold()
        kind = Facility.Kind.POLICE_STATION if police else Facility.Kind.PRISON
        key = (name[:255], (detention.place or "")[:120], self.case.country)
        known = self.facilities.get(key)
        if known is not None:  # found again: what a second lookup would report
            return self.report.add(Upserted(known, Outcome.UNCHANGED))
        result = services.facility_get_or_create(
            name=key[0], city=key[1], country=key[2], kind=kind
        )
        self.facilities[key] = result.obj
        return self.report.add(result)

    # -- warnings --------------------------------------------------------------------------
    def review_items(self) -> None:
        fps = _Fingerprints()
        rows = []
        for warning in self.result.warnings:
            base = _digest("review", warning.kind, warning.as_written, warning.suggestion)
            values = services.review_item_values(
                **self.shared(),
                kind=warning.kind,
                message=warning.message,
                line=warning.line,
                as_written=warning.as_written[:_MAX_AS_WRITTEN],
                suggestion=(warning.suggestion or "")[:_MAX_AS_WRITTEN],
            )
            rows.append((fps(base), values))
        self.save(ReviewItem, rows)


def _group_by_document(
    charges: Iterable[parsed.Charge],
) -> dict[tuple[str | None, PartialDate | None], list[parsed.Charge]]:
    """Charges per (document named, its date), in the order the text gives them."""
    groups: dict[tuple[str | None, PartialDate | None], list[parsed.Charge]] = {}
    for charge in charges:
        groups.setdefault((charge.document, charge.document_date), []).append(charge)
    return groups


def _latest_key(documents: dict) -> tuple | None:
    """The latest dated document of this import: it becomes the case's current list."""
    dated = [k for k in documents if k[0] is not None and k[1] is not None]
    return max(dated, key=lambda k: (k[1].latest, k[1].earliest)) if dated else None


def _legal_bases(charges: Iterable[parsed.Charge]) -> dict[int, str]:
    """A law named without a section nor document on a line is the basis of its detention
    ("charged under the ... Public Safety Act (PSA), which allows detention ...")."""
    bases: dict[int, list[str]] = {}
    for charge in charges:
        if charge.document is None and not charge.section:
            laws = bases.setdefault(charge.line, [])
            if charge.law not in laws:
                laws.append(charge.law)
    return {line: "; ".join(laws) for line, laws in bases.items()}


__all__ = [
    "ChronologyImportError",
    "ImportReport",
    "chronology_case_create",
    "chronology_import",
    "chronology_parse",
]
