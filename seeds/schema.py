"""Read and validate the curated seed YAML (``seeds/data/*.yaml``) without touching the DB.

The whole data set is parsed first; every problem is collected with its file and entry
("seeds/data/cases_004_thailand.yaml: cases[2] seed-th-tantawan: events[1]: unknown
type 'arest'"), and nothing is written unless there are none. The format is described
in ``seeds/data/README.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from campaigns.models import CountryRating, Signatory
from cases.models import (
    Case,
    Charge,
    ChargeDocument,
    Detention,
    EventType,
    Facility,
    Hearing,
    ReviewItem,
    Source,
)
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate
from people.models import Organisation, Person

DATA_DIR = Path(__file__).resolve().parent / "data"
SECTIONS = ("organisations", "articles", "cases", "campaigns", "country_ratings")
DEFAULT_OWNER = "civicus"


def _load_yaml(text: str) -> Any:
    if yaml.__with_libyaml__:  # the C loader is ~10x faster on the 451-name lists
        return yaml.load(text, Loader=yaml.CSafeLoader)
    return yaml.safe_load(text)


class SeedError(Exception):
    """The seed data is invalid; ``problems`` name the file and entry of each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Invalid(Exception):
    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}" if where else message)


def fingerprint(*parts: object) -> str:
    """Deterministic key for a curated record: a re-run finds the same row."""
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


# -- normalised data ---------------------------------------------------------------------
@dataclass
class OrganisationSpec:
    key: str
    values: dict[str, Any]
    origin: str


@dataclass
class ArticleSpec:
    key: str
    seed_document: str
    title: str
    publisher: str
    date: PartialDate | None
    reliability: str
    origin: str


@dataclass
class RecordSpec:
    """One case record. ``refs`` are keys resolved at write time (source, document ...)."""

    kind: str
    fingerprint: str
    values: dict[str, Any]
    origin: str
    refs: dict[str, Any] = field(default_factory=dict)
    key: str = ""


@dataclass
class PersonSpec:
    values: dict[str, Any]
    aliases: list[str]
    affiliations: list[dict[str, Any]]


@dataclass
class CaseSpec:
    reference: str
    values: dict[str, Any]
    person: PersonSpec | None
    owner: str
    articles: list[str]
    records: list[RecordSpec]
    origin: str
    # Article key whose seed_document is a chronology to run the importer on.
    chronology: str | None = None


@dataclass
class SignatorySpec:
    values: dict[str, Any]
    organisation: str | None
    origin: str


@dataclass
class CampaignSpec:
    slug: str
    values: dict[str, Any]
    owner: str
    organisers: list[str]
    cases: list[str]
    signatories: list[SignatorySpec]
    origin: str


@dataclass
class RatingSpec:
    values: dict[str, Any]
    article: str
    origin: str


@dataclass
class SeedData:
    organisations: list[OrganisationSpec] = field(default_factory=list)
    articles: dict[str, ArticleSpec] = field(default_factory=dict)
    cases: list[CaseSpec] = field(default_factory=list)
    campaigns: list[CampaignSpec] = field(default_factory=list)
    ratings: list[RatingSpec] = field(default_factory=list)


# -- small validators --------------------------------------------------------------------
def _known(entry: dict, allowed: set[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise Invalid(where, f"expected a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise Invalid(where, f"unknown key(s) {', '.join(unknown)}; allowed: {sorted(allowed)}")


def _labelled(entry: Any, key: str, where: str) -> str:
    """Name the entry by its reference/slug in messages: 'cases[3] seed-th-kataporn'."""
    if isinstance(entry, dict) and entry.get(key):
        return f"{where} {entry[key]}"
    return where


def _req(entry: dict, key: str, where: str, kind: type = str) -> Any:
    value = entry.get(key)
    if value is None or value == "":
        raise Invalid(where, f"'{key}' is required")
    if kind is str:
        value = str(value).strip()
    elif not isinstance(value, kind):
        raise Invalid(where, f"'{key}' must be a {kind.__name__}")
    return value


def _choice(value: Any, choices: list[str], name: str, where: str) -> str:
    if value not in choices:
        raise Invalid(where, f"unknown {name} {value!r}; expected one of {', '.join(choices)}")
    return value


def _country(value: Any, where: str) -> str:
    text = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise Invalid(where, f"country {value!r} is not an ISO 3166-1 alpha-2 code")
    return text


def partial(
    raw: Any, where: str, *, as_written: str = "", approximate: bool = False
) -> PartialDate:
    """``2021-11-22`` (YAML date), ``2021-11``, ``2021``, ``202X``; mapping form allowed."""
    precision = None
    if isinstance(raw, dict):
        _known(raw, {"date", "as_written", "approximate", "precision"}, where)
        as_written = str(raw.get("as_written") or as_written)
        approximate = bool(raw.get("approximate", approximate))
        precision = raw.get("precision")
        raw = raw.get("date")
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    if raw is None or raw == "":
        raise Invalid(where, "a date is required")
    try:
        pd = PartialDate.parse(str(raw), precision=precision, as_written=as_written)
    except ValueError as exc:
        raise Invalid(where, str(exc)) from None
    return PartialDate(pd.value, pd.precision, approximate or pd.approximate, as_written)


def _optional_partial(raw: Any, where: str) -> PartialDate | None:
    return None if raw in (None, "") else partial(raw, where)


def _items(entry: dict, key: str, where: str) -> Iterator[tuple[str, Any]]:
    values = entry.get(key) or []
    if not isinstance(values, list):
        raise Invalid(where, f"'{key}' must be a list")
    for i, item in enumerate(values):
        yield f"{where}: {key}[{i}]", item


# -- organisations and articles ----------------------------------------------------------
ORG_KEYS = {"key", "name", "acronym", "country", "kind", "is_member", "website", "description"}


def organisation(entry: dict, where: str) -> OrganisationSpec:
    _known(entry, ORG_KEYS, where)
    country = entry.get("country")
    values = {
        "name": _req(entry, "name", where),
        "acronym": str(entry.get("acronym") or ""),
        "country": _country(country, where) if country else "",
        "kind": _choice(entry.get("kind", "ngo"), Organisation.Kind.values, "kind", where),
        "is_member": bool(entry.get("is_member", False)),
        "website": str(entry.get("website") or ""),
        "description": str(entry.get("description") or "").strip(),
    }
    return OrganisationSpec(_req(entry, "key", where), values, where)


ARTICLE_KEYS = {"key", "seed_document", "title", "publisher", "date", "line", "reliability"}


def article(entry: dict, where: str) -> ArticleSpec:
    _known(entry, ARTICLE_KEYS, where)
    document = _req(entry, "seed_document", where)
    if not document.startswith("seeds/texts/"):
        raise Invalid(where, f"seed_document {document!r} must be a path under seeds/texts/")
    reliability = entry.get("reliability", Source.Reliability.RELIABLE)
    return ArticleSpec(
        key=_req(entry, "key", where),
        seed_document=document,
        title=_req(entry, "title", where),
        publisher=str(entry.get("publisher") or "CIVICUS"),
        date=_optional_partial(entry.get("date"), f"{where}: date"),
        reliability=_choice(reliability, Source.Reliability.values, "reliability", where),
        origin=where,
    )


# -- cases -------------------------------------------------------------------------------
CASE_KEYS = {
    "reference",
    "kind",
    "person",
    "group",
    "country",
    "status",
    "summary",
    "detained_since",
    "released_on",
    "verdict_reached",
    "owner",
    "tier",
    "sources",
    "events",
    "charge_documents",
    "charges",
    "hearings",
    "detentions",
    "review_items",
    "legal_assessment",
    "wgad_categories",
    "chronology",
}


def case(entry: dict, where: str) -> CaseSpec:
    where = _labelled(entry, "reference", where)
    _known(entry, CASE_KEYS, where)
    reference = _req(entry, "reference", where)
    if not re.fullmatch(r"[a-z0-9-]{3,40}", reference):
        raise Invalid(where, "reference must be 3-40 lowercase letters, digits or hyphens")
    kind = _choice(entry.get("kind", "individual"), Case.Kind.values, "kind", where)
    country = _country(entry.get("country"), where)
    person, group = _case_subject(entry, kind, country, where)
    articles = [str(a) for a in entry.get("sources") or []]
    if not articles:
        raise Invalid(where, "'sources' needs at least one article key")
    values = {
        "reference": reference,
        "title": person.values["primary_name"] if person else group["group_name"],
        "kind": kind,
        "country": country,
        "status": _choice(entry.get("status"), Case.Status.values, "status", where),
        "summary": _req(entry, "summary", where),
        "tier": _choice(entry.get("tier", Tier.PUBLIC), Tier.values, "tier", where),
        "detained_since": _optional_partial(
            entry.get("detained_since"), f"{where}: detained_since"
        ),
        "released_on": _optional_partial(entry.get("released_on"), f"{where}: released_on"),
        "verdict_reached": bool(entry.get("verdict_reached", False)),
        "legal_assessment": str(entry.get("legal_assessment") or ""),
        "wgad_categories": list(entry.get("wgad_categories") or []),
        **group,
    }
    records = case_records(entry, reference, articles[0], where)
    owner = str(entry.get("owner") or DEFAULT_OWNER)
    chronology = entry.get("chronology")
    if chronology is not None and str(chronology) not in articles:
        raise Invalid(where, f"'chronology' must be one of the case's sources, not {chronology!r}")
    spec = CaseSpec(reference, values, person, owner, articles, records, where)
    spec.chronology = str(chronology) if chronology is not None else None
    return spec


def _case_subject(
    entry: dict, kind: str, country: str, where: str
) -> tuple[PersonSpec | None, dict[str, Any]]:
    if kind == Case.Kind.GROUP:
        group = entry.get("group")
        _known(group, {"name", "size"}, f"{where}: group")
        size = group.get("size")
        if size is not None and (not isinstance(size, int) or size < 1):
            raise Invalid(f"{where}: group", "size must be a positive whole number")
        return None, {"group_name": _req(group, "name", f"{where}: group"), "group_size": size}
    if "person" not in entry:
        raise Invalid(where, "an individual case needs 'person'")
    return person(entry["person"], country, f"{where}: person"), {}


PERSON_KEYS = {
    "name",
    "native_name",
    "aliases",
    "roles",
    "country",
    "gender",
    "bio",
    "affiliations",
}


def person(entry: dict, country: str, where: str) -> PersonSpec:
    _known(entry, PERSON_KEYS, where)
    roles = list(entry.get("roles") or [])
    for role in roles:
        _choice(role, Person.Role.values, "role", where)
    gender = entry.get("gender") or ""
    if gender:
        _choice(gender, Person.Gender.values, "gender", where)
    values = {
        "primary_name": _req(entry, "name", where),
        "native_name": str(entry.get("native_name") or ""),
        "roles": roles,
        "country": _person_country(entry, country, where),
        "gender": gender,
        "bio": str(entry.get("bio") or "").strip(),
        "tier": Tier.PUBLIC,
    }
    affiliations = []
    for sub, aff in _items(entry, "affiliations", where):
        _known(aff, {"organisation", "role", "start", "end"}, sub)
        affiliations.append(
            {
                "organisation": _req(aff, "organisation", sub),
                "role": str(aff.get("role") or ""),
                "start": _optional_partial(aff.get("start"), sub),
                "end": _optional_partial(aff.get("end"), sub),
            }
        )
    aliases = [str(a) for a in entry.get("aliases") or []]
    return PersonSpec(values, aliases, affiliations)


def _person_country(entry: dict, case_country: str, where: str) -> str:
    # `country: null` for stateless people; no key at all means the case's country.
    if "country" not in entry:
        return case_country
    return _country(entry["country"], where) if entry["country"] else ""


def case_records(entry: dict, reference: str, default_source: str, where: str) -> list[RecordSpec]:
    records: list[RecordSpec] = []
    for key, build in RECORD_BUILDERS.items():
        for sub, item in _items(entry, key, where):
            records.extend(build(item, reference, default_source, sub))
    seen: dict[tuple[str, str], str] = {}
    for rec in records:
        clash = seen.setdefault((rec.kind, rec.fingerprint), rec.origin)
        if clash != rec.origin:
            raise Invalid(rec.origin, f"same fingerprint as {clash}; give one of them a 'key'")
    return records


def _fp(reference: str, kind: str, item: dict, *parts: object) -> str:
    return fingerprint(reference, kind, item.get("key") or "|".join(map(str, parts)))


EVENT_KEYS = {
    "key",
    "date",
    "as_written",
    "precision",
    "approximate",
    "type",
    "summary",
    "line",
    "source",
    "year_from_context",
    "date_inferred",
}


def events(item: dict, reference: str, default_source: str, where: str) -> list[RecordSpec]:
    _known(item, EVENT_KEYS, where)
    date = partial(
        {k: item[k] for k in ("date", "as_written", "precision", "approximate") if k in item},
        where,
    )
    etype = _choice(item.get("type"), EventType.values, "event type", where)
    line = _line(item, where)
    fp = _fp(reference, "event", item, etype, date.edtf(), date.as_written, line or "")
    values = {"date": date, "type": etype, "summary": _req(item, "summary", where), "line": line}
    source = str(item.get("source") or default_source)
    out = [RecordSpec("event", fp, values, where, {"source": source})]
    review = _date_review(item, date, fp, line, where)
    if review:
        out.append(RecordSpec("review", fingerprint(fp, "date"), review, where, {"source": source}))
    return out


def _date_review(
    item: dict, date: PartialDate, fp: str, line: int | None, where: str
) -> dict | None:
    """Dates the curator had to complete from context become review items, not facts."""
    if item.get("year_from_context"):
        message = (
            f"The source gives “{date.as_written}” without a year; the year {date.value.year} "
            "was taken from the surrounding text. Confirm it."
        )
    elif item.get("date_inferred"):
        message = (
            "The source gives no date for this; the date was inferred from context: "
            f"{item['date_inferred']} Confirm or correct it."
        )
    else:
        return None
    return {
        "kind": ReviewItem.Kind.MISSING_YEAR,
        "message": message,
        "line": line,
        "as_written": date.as_written,
        "suggestion": date.edtf(),
    }


def _line(item: dict, where: str) -> int | None:
    line = item.get("line")
    if line is not None and (not isinstance(line, int) or line < 1):
        raise Invalid(where, "line must be a positive whole number")
    return line


CHARGE_KEYS = {"key", "law", "section", "description", "status"}


def _charge(item: dict, where: str) -> dict[str, Any]:
    _known(item, CHARGE_KEYS, where)
    status = item.get("status", Charge.Status.ALLEGED)
    return {
        "law": _req(item, "law", where),
        "section": str(item.get("section") or ""),
        "description": str(item.get("description") or ""),
        "status": _choice(status, Charge.Status.values, "charge status", where),
    }


DOC_KEYS = {"key", "kind", "date", "as_written", "title", "current", "line", "source", "charges"}


def charge_documents(
    item: dict, reference: str, default_source: str, where: str
) -> list[RecordSpec]:
    _known(item, DOC_KEYS, where)
    key = _req(item, "key", where)
    date = partial({"date": item.get("date"), "as_written": item.get("as_written", "")}, where)
    kind = _choice(item.get("kind"), ChargeDocument.Kind.values, "document kind", where)
    values = {
        "kind": kind,
        "date": date,
        "title": str(item.get("title") or ""),
        "is_current": bool(item.get("current", False)),
    }
    refs = {"source": str(item.get("source") or default_source)}
    doc = RecordSpec("chargedoc", fingerprint(reference, "chargedoc", key), values, where, refs)
    doc.key = key
    out = [doc]
    for i, (sub, raw) in enumerate(_items(item, "charges", where), start=1):
        charge = _charge(raw, sub) | {"position": i}
        fp = fingerprint(reference, "charge", key, i, charge["law"], charge["section"])
        out.append(RecordSpec("charge", fp, charge, sub, refs | {"document": key}))
    return out


def charges(item: dict, reference: str, default_source: str, where: str) -> list[RecordSpec]:
    charge = _charge(item, where)
    fp = _fp(reference, "charge", item, charge["law"], charge["section"], charge["description"])
    return [RecordSpec("charge", fp, charge, where, {"source": default_source})]


HEARING_KEYS = {
    "key",
    "date",
    "as_written",
    "court",
    "kind",
    "status",
    "outcome",
    "custody_days",
    "custody_until",
    "next_hearing",
    "line",
    "source",
}


def hearings(item: dict, reference: str, default_source: str, where: str) -> list[RecordSpec]:
    _known(item, HEARING_KEYS, where)
    date = partial({"date": item.get("date"), "as_written": item.get("as_written", "")}, where)
    until = item.get("custody_until")
    if until is not None and not isinstance(until, dt.date):
        raise Invalid(where, "custody_until must be a full date (YYYY-MM-DD)")
    values = {
        "date": date,
        "court": str(item.get("court") or ""),
        "kind": _choice(item.get("kind", "other"), Hearing.Kind.values, "hearing kind", where),
        "status": _choice(item.get("status", "held"), Hearing.Status.values, "status", where),
        "outcome": str(item.get("outcome") or "").strip(),
        "custody_days": item.get("custody_days"),
        "custody_until": until,
    }
    line = _line(item, where)
    fp = _fp(reference, "hearing", item, date.edtf(), date.as_written, values["kind"], line or "")
    refs = {"source": str(item.get("source") or default_source)}
    if item.get("next_hearing"):
        refs["next_hearing"] = str(item["next_hearing"])
    rec = RecordSpec("hearing", fp, values, where, refs, key=str(item.get("key") or ""))
    return [rec]


DETENTION_KEYS = {
    "key",
    "type",
    "start",
    "end",
    "facility",
    "place",
    "legal_basis",
    "line",
    "source",
}


def detentions(item: dict, reference: str, default_source: str, where: str) -> list[RecordSpec]:
    _known(item, DETENTION_KEYS, where)
    values = {
        "type": _choice(item.get("type"), Detention.Type.values, "detention type", where),
        "start": _optional_partial(item.get("start"), f"{where}: start"),
        "end": _optional_partial(item.get("end"), f"{where}: end"),
        "place": str(item.get("place") or ""),
        "legal_basis": str(item.get("legal_basis") or ""),
    }
    refs: dict[str, Any] = {"source": str(item.get("source") or default_source)}
    if item.get("facility"):
        refs["facility"] = _facility(item["facility"], f"{where}: facility")
    start = values["start"].edtf() if values["start"] else ""
    fp = _fp(reference, "detention", item, values["type"], start, _line(item, where) or "")
    return [RecordSpec("detention", fp, values, where, refs)]


def _facility(raw: dict, where: str) -> dict[str, str]:
    _known(raw, {"name", "city", "country", "kind"}, where)
    kind = raw.get("kind", Facility.Kind.PRISON)
    return {
        "name": _req(raw, "name", where),
        "city": str(raw.get("city") or ""),
        "country": _country(raw.get("country"), where),
        "kind": _choice(kind, Facility.Kind.values, "facility kind", where),
    }


REVIEW_KEYS = {"key", "kind", "message", "as_written", "suggestion", "line", "source"}


def review_items(item: dict, reference: str, default_source: str, where: str) -> list[RecordSpec]:
    _known(item, REVIEW_KEYS, where)
    values = {
        "kind": _choice(item.get("kind"), ReviewItem.Kind.values, "review kind", where),
        "message": _req(item, "message", where),
        "line": _line(item, where),
        "as_written": str(item.get("as_written") or ""),
        "suggestion": str(item.get("suggestion") or ""),
    }
    fp = _fp(reference, "review", item, values["kind"], values["line"] or "", values["as_written"])
    return [
        RecordSpec(
            "review", fp, values, where, {"source": str(item.get("source") or default_source)}
        )
    ]


RECORD_BUILDERS: dict[str, Callable[..., list[RecordSpec]]] = {
    "events": events,
    "charge_documents": charge_documents,
    "charges": charges,
    "hearings": hearings,
    "detentions": detentions,
    "review_items": review_items,
}


# -- campaigns and ratings ---------------------------------------------------------------
CAMPAIGN_KEYS = {
    "slug",
    "title",
    "hashtag",
    "start",
    "end",
    "owner",
    "organisers",
    "target",
    "statement_text",
    "statement_url",
    "article",
    "tier",
    "cases",
    "anonymous_signatory_count",
    "signatories",
    "signatories_file",
}


def campaign(entry: dict, where: str, data_dir: Path) -> CampaignSpec:
    where = _labelled(entry, "slug", where)
    _known(entry, CAMPAIGN_KEYS, where)
    slug = _req(entry, "slug", where)
    anonymous = entry.get("anonymous_signatory_count", 0)
    if not isinstance(anonymous, int) or anonymous < 0:
        raise Invalid(where, "anonymous_signatory_count must be a whole number ≥ 0")
    values = {
        "slug": slug,
        "title": _req(entry, "title", where),
        "hashtag": str(entry.get("hashtag") or ""),
        "start": _optional_partial(entry.get("start"), f"{where}: start"),
        "end": _optional_partial(entry.get("end"), f"{where}: end"),
        "target": str(entry.get("target") or ""),
        "statement_text": str(entry.get("statement_text") or "").strip(),
        "statement_url": str(entry.get("statement_url") or ""),
        "anonymous_signatory_count": anonymous,
        "tier": _choice(entry.get("tier", Tier.PUBLIC), Tier.values, "tier", where),
        "article": _req(entry, "article", where),
    }
    return CampaignSpec(
        slug=slug,
        values=values,
        owner=str(entry.get("owner") or DEFAULT_OWNER),
        organisers=[str(o) for o in entry.get("organisers") or []],
        cases=[str(c) for c in entry.get("cases") or []],
        signatories=_signatories(entry, where, data_dir),
        origin=where,
    )


def _signatories(entry: dict, where: str, data_dir: Path) -> list[SignatorySpec]:
    raw, origin = entry.get("signatories") or [], where
    if entry.get("signatories_file"):
        path = data_dir / str(entry["signatories_file"])
        if not path.is_file():
            raise Invalid(where, f"signatories_file {path} does not exist")
        raw = _load_yaml(path.read_text(encoding="utf-8")) or []
        origin = _rel(path)
    out, names = [], set()
    for i, item in enumerate(raw):
        sub = f"{origin}: signatories[{i}]"
        item = {"name": item} if isinstance(item, str) else item
        _known(item, {"name", "kind", "organisation", "position"}, sub)
        name = _req(item, "name", sub)
        if name in names:
            raise Invalid(sub, f"{name!r} is listed twice")
        names.add(name)
        kind = item.get("kind", Signatory.Kind.ORGANISATION)
        values = {
            "name": name,
            "kind": _choice(kind, Signatory.Kind.values, "signatory kind", sub),
            "position": int(item.get("position") or i + 1),
        }
        out.append(SignatorySpec(values, item.get("organisation"), sub))
    return out


RATING_KEYS = {"country", "rating", "date", "as_written", "approximate", "article"}


def rating(entry: dict, where: str) -> RatingSpec:
    _known(entry, RATING_KEYS, where)
    date = partial(
        {k: entry[k] for k in ("date", "as_written", "approximate") if k in entry}, where
    )
    values = {
        "country": _country(entry.get("country"), where),
        "rating": _choice(entry.get("rating"), CountryRating.Rating.values, "rating", where),
        "date": date,
    }
    return RatingSpec(values, _req(entry, "article", where), where)


# -- reading the files -------------------------------------------------------------------
def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(DATA_DIR.parent.parent))
    except ValueError:
        return str(path)


def read_seed_data(data_dir: Path = DATA_DIR) -> SeedData:
    """Parse and validate every ``*.yaml`` directly in ``data_dir``; raise ``SeedError``."""
    data, problems = SeedData(), []
    for path in sorted(data_dir.glob("*.yaml")):
        try:
            doc = _load_yaml(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            problems.append(f"{_rel(path)}: not valid YAML: {exc}")
            continue
        if not isinstance(doc, dict) or set(doc) - set(SECTIONS):
            problems.append(f"{_rel(path)}: top level must be a mapping of {', '.join(SECTIONS)}")
            continue
        problems.extend(_read_sections(doc, _rel(path), data, data_dir))
    problems.extend(_check_references(data))
    if problems:
        raise SeedError(problems)
    return data


def _read_sections(doc: dict, name: str, data: SeedData, data_dir: Path) -> list[str]:
    problems = []
    readers = {
        "organisations": lambda e, w: data.organisations.append(organisation(e, w)),
        "articles": lambda e, w: _add_article(data, article(e, w)),
        "cases": lambda e, w: data.cases.append(case(e, w)),
        "campaigns": lambda e, w: data.campaigns.append(campaign(e, w, data_dir)),
        "country_ratings": lambda e, w: data.ratings.append(rating(e, w)),
    }
    for section, read in readers.items():
        entries = doc.get(section) or []
        if not isinstance(entries, list):
            problems.append(f"{name}: '{section}' must be a list")
            continue
        for i, entry in enumerate(entries):
            try:
                read(entry, f"{name}: {section}[{i}]")
            except Invalid as exc:
                problems.append(str(exc))
    return problems


def _add_article(data: SeedData, spec: ArticleSpec) -> None:
    if spec.key in data.articles:
        raise Invalid(spec.origin, f"article key {spec.key!r} is already used")
    data.articles[spec.key] = spec


def _check_references(data: SeedData) -> list[str]:
    orgs = {o.key for o in data.organisations}
    refs = [c.reference for c in data.cases]
    problems = [f"case reference {r!r} is used twice" for r in set(refs) if refs.count(r) > 1]
    for c in data.cases:
        problems += _missing(c.origin, "organisation", [c.owner], orgs)
        problems += _missing(c.origin, "article", c.articles, data.articles)
        if c.person:
            affs = [a["organisation"] for a in c.person.affiliations]
            problems += _missing(c.origin, "organisation", affs, orgs)
        for rec in c.records:
            problems += _missing(rec.origin, "article", [rec.refs["source"]], c.articles)
        problems += _check_record_refs(c)
    for camp in data.campaigns:
        problems += _missing(camp.origin, "organisation", [camp.owner, *camp.organisers], orgs)
        problems += _missing(camp.origin, "case", camp.cases, set(refs))
        problems += _missing(camp.origin, "article", [camp.values["article"]], data.articles)
        sig_orgs = [s.organisation for s in camp.signatories if s.organisation]
        problems += _missing(camp.origin, "organisation", sig_orgs, orgs)
    for r in data.ratings:
        problems += _missing(r.origin, "article", [r.article], data.articles)
    return problems


def _check_record_refs(c: CaseSpec) -> list[str]:
    docs = {r.key for r in c.records if r.kind == "chargedoc"}
    hearings_ = {r.key for r in c.records if r.kind == "hearing" and r.key}
    problems: list[str] = []
    for rec in c.records:
        if "next_hearing" in rec.refs:
            problems += _missing(rec.origin, "hearing key", [rec.refs["next_hearing"]], hearings_)
        if "document" in rec.refs:
            problems += _missing(rec.origin, "charge document key", [rec.refs["document"]], docs)
    current = [r for r in c.records if r.kind == "chargedoc" and r.values["is_current"]]
    if len(current) > 1:
        problems.append(f"{c.origin}: only one charge document can be current")
    return problems


def _missing(where: str, what: str, keys: list[str], known) -> list[str]:
    return [f"{where}: unknown {what} {k!r}" for k in keys if k not in known]
