"""Write the validated seed data through the services, in one transaction.

``load_seeds()`` parses everything first (``seeds.schema``), then writes organisations,
cases with their people and records, campaigns with signatories, and country ratings.
A second run finds every row by its natural key or fingerprint and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns import services as campaign_services
from cases import services as case_services
from cases.models import Case, Hearing, Source
from casetracker.fields import Tier
from casetracker.upserts import Upserted
from people import services as people_services
from people.models import Organisation
from seeds.chronology_loader import ChronologyImportError, chronology_import
from seeds.schema import (
    DATA_DIR,
    ArticleSpec,
    CampaignSpec,
    CaseSpec,
    RecordSpec,
    SeedData,
    SeedError,
    fingerprint,
    read_seed_data,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


class Counts(Counter):
    """(model verbose name, outcome) → number of rows."""

    def add(self, result: Upserted) -> Any:
        self[(result.obj._meta.verbose_name_plural, str(result.outcome))] += 1
        return result.obj

    def table(self) -> list[tuple[str, dict[str, int]]]:
        models = sorted({m for m, _ in self})
        return [(str(m), {o: n for (mm, o), n in self.items() if mm == m}) for m in models]

    def total(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.items() if o == outcome)


class _DryRun(Exception):
    pass


def load_seeds(*, data_dir: Path = DATA_DIR, dry_run: bool = False) -> Counts:
    """Validate all seed files, then write them; ``dry_run`` rolls the writes back."""
    data = read_seed_data(data_dir)
    counts = Counts()
    try:
        with transaction.atomic():
            _Writer(data, counts).write()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


class _Writer:
    def __init__(self, data: SeedData, counts: Counts):
        self.data, self.counts = data, counts
        self.orgs: dict[str, Organisation] = {}
        self.cases: dict[str, Case] = {}

    def write(self) -> None:
        for spec in self.data.organisations:
            with _located(spec.origin):
                result = people_services.organisation_upsert(**spec.values)
                self.orgs[spec.key] = self.counts.add(result)
        for spec in self.data.cases:
            with _located(spec.origin):
                self.cases[spec.reference] = self.write_case(spec)
        for spec in self.data.campaigns:
            self.write_campaign(spec)
        for spec in self.data.ratings:
            with _located(spec.origin):
                article = self.data.articles[spec.article]
                result = campaign_services.country_rating_upsert(
                    **spec.values, source=article.title, seed_document=article.seed_document
                )
                self.counts.add(result)

    # -- cases ---------------------------------------------------------------------------
    def write_case(self, spec: CaseSpec) -> Case:
        existing = Case.objects.filter(reference=spec.reference).select_related("person").first()
        person = None
        if spec.person:
            result = people_services.person_upsert(
                **spec.person.values,
                aliases=spec.person.aliases,
                person=existing.person if existing else None,
            )
            person = self.counts.add(result)
            for aff in spec.person.affiliations:
                org = self.orgs[aff["organisation"]]
                result = people_services.affiliation_upsert(
                    person=person, **(aff | {"organisation": org}), tier=Tier.PUBLIC
                )
                self.counts.add(result)
        first = self.data.articles[spec.articles[0]]
        case = self.counts.add(
            case_services.case_upsert(
                **spec.values,
                person=person,
                owner=self.orgs[spec.owner],
                consent=Case.Consent.PUBLIC,
                consent_given_by=Case.ConsentBy.PUBLICATION,
                consent_note=_consent_note(first),
            )
        )
        _CaseRecords(self, case, spec).write()
        return case

    # -- campaigns -----------------------------------------------------------------------
    def write_campaign(self, spec: CampaignSpec) -> None:
        values = dict(spec.values)
        article = self.data.articles[values.pop("article")]
        with _located(spec.origin):
            campaign = self.counts.add(
                campaign_services.campaign_upsert(
                    **values,
                    owner=self.orgs[spec.owner],
                    seed_document=article.seed_document,
                    organisers=[self.orgs[k] for k in spec.organisers],
                    cases=[self.cases[r] for r in spec.cases],
                )
            )
        entries = [
            {
                **sig.values,
                "organisation": self.orgs[sig.organisation] if sig.organisation else None,
            }
            for sig in spec.signatories
        ]
        with _located(spec.origin):
            for result in campaign_services.signatories_upsert_many(
                campaign=campaign, entries=entries
            ):
                self.counts.add(result)


class _CaseRecords:
    """Writes one case's sources and records, resolving keys between them."""

    def __init__(self, writer: _Writer, case: Case, spec: CaseSpec):
        self.writer, self.case, self.spec = writer, case, spec
        self.sources: dict[str, Source] = {}
        self.documents: dict[str, Any] = {}
        self.hearings: dict[str, Hearing] = {}
        self.hearing_specs = {r.key: r for r in spec.records if r.kind == "hearing" and r.key}

    def write(self) -> None:
        for key in self.spec.articles:
            article = self.writer.data.articles[key]
            result = case_services.source_upsert(
                case=self.case,
                fingerprint=fingerprint(self.case.reference, "source", key),
                title=article.title,
                publisher=article.publisher,
                date=article.date,
                seed_document=article.seed_document,
                article_title=article.title,
                reliability=article.reliability,
                tier=Tier.PUBLIC,
            )
            self.sources[key] = self.writer.counts.add(result)
        if self.spec.chronology:
            self.import_chronology(self.spec.chronology)
        for rec in self.spec.records:
            with _located(rec.origin):
                self.write_record(rec)

    def import_chronology(self, key: str) -> None:
        """Run the chronology importer on the article's text: the case's timeline, charges,
        hearings, detentions and review items come from the source, not from YAML."""
        article = self.writer.data.articles[key]
        text = (REPO_ROOT / article.seed_document).read_text(encoding="utf-8")
        try:
            report = chronology_import(
                case=self.case, text=text, source=self.sources[key], tier=Tier.PUBLIC
            )
        except ChronologyImportError as exc:
            problem = f"{self.spec.origin}: chronology {article.seed_document}: {exc}"
            raise SeedError([problem]) from None
        self.writer.counts.update(report.counts)

    def write_record(self, rec: RecordSpec) -> Any:
        common = {
            "case": self.case,
            "fingerprint": rec.fingerprint,
            "source": self.sources[rec.refs["source"]],
            "tier": Tier.PUBLIC,
        }
        if rec.kind == "hearing":
            return self.write_hearing(rec, common)
        values = dict(rec.values)
        if rec.kind == "chargedoc":
            result = case_services.charge_document_upsert(**common, **values)
            self.documents[rec.key] = result.obj
        elif rec.kind == "charge":
            document = self.documents.get(rec.refs.get("document"))
            result = case_services.charge_upsert(**common, **values, document=document)
        elif rec.kind == "event":
            result = case_services.timeline_event_upsert(**common, **values)
        elif rec.kind == "detention":
            facility = self.facility(rec.refs.get("facility"))
            result = case_services.detention_upsert(**common, **values, facility=facility)
        else:
            result = case_services.review_item_upsert(**common, **values)
        return self.writer.counts.add(result)

    def write_hearing(self, rec: RecordSpec, common: dict[str, Any]) -> Hearing:
        # A hearing that set the next date is written after the one it points to.
        if rec.key and rec.key in self.hearings:
            return self.hearings[rec.key]
        next_key = rec.refs.get("next_hearing")
        nxt = None
        if next_key:
            nxt = self.hearings.get(next_key) or self.write_record(self.hearing_specs[next_key])
        result = case_services.hearing_upsert(**common, **rec.values, next_hearing=nxt)
        hearing = self.writer.counts.add(result)
        if rec.key:
            self.hearings[rec.key] = hearing
        return hearing

    def facility(self, spec: dict | None):
        if not spec:
            return None
        return self.writer.counts.add(case_services.facility_get_or_create(**spec))


def _consent_note(article: ArticleSpec) -> str:
    return (
        f"Publicity consent is recorded as given by publication: {article.publisher} "
        f"published this case in “{article.title}” ({article.seed_document})."
    )


class _located:
    """Turn a model ValidationError into a SeedError naming the file and entry."""

    def __init__(self, origin: str):
        self.origin = origin

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None and issubclass(exc_type, ValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise SeedError([f"{self.origin}: {detail}"]) from exc
        return False
