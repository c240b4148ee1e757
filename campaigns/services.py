"""Writes for campaigns, their signatories and country ratings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import Campaign, CountryRating, Signatory
from cases.models import Case
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate
from casetracker.upserts import Outcome, Upserted, assign, save_upsert
from people.models import Organisation


@transaction.atomic
def campaign_upsert(
    *,
    slug: str,
    title: str,
    owner: Organisation,
    hashtag: str = "",
    start: PartialDate | None = None,
    end: PartialDate | None = None,
    target: str = "",
    statement_text: str = "",
    statement_url: str = "",
    anonymous_signatory_count: int = 0,
    seed_document: str = "",
    tier: str = Tier.INTERNAL,
    organisers: Iterable[Organisation] | None = None,
    cases: Iterable[Case] | None = None,
) -> Upserted[Campaign]:
    """Keyed on ``slug``. ``organisers``/``cases`` (when given) become exactly these."""
    values = {
        "slug": slug,
        "title": title,
        "owner": owner,
        "hashtag": hashtag,
        "start_partial": start,
        "end_partial": end,
        "target": target,
        "statement_text": statement_text,
        "statement_url": statement_url,
        "anonymous_signatory_count": anonymous_signatory_count,
        "seed_document": seed_document,
        "tier": tier,
    }
    existing = Campaign.objects.filter(slug=slug).first()
    result = save_upsert(Campaign, existing, values, respect_edited=False)
    changed = _set_m2m(result.obj.organisers, organisers)
    changed |= _set_m2m(result.obj.cases, cases)
    if changed and result.outcome == Outcome.UNCHANGED:
        return Upserted(result.obj, Outcome.UPDATED)
    return result


def _set_m2m(manager, wanted) -> bool:
    if wanted is None:
        return False
    wanted_ids = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) == wanted_ids:
        return False
    manager.set(wanted_ids)
    return True


@transaction.atomic
def signatory_upsert(
    *,
    campaign: Campaign,
    name: str,
    kind: str = Signatory.Kind.ORGANISATION,
    position: int = 0,
    organisation: Organisation | None = None,
    tier: str = Tier.PUBLIC,
) -> Upserted[Signatory]:
    """A named signatory, keyed on (campaign, name as signed).

    Anonymous signatories are never rows: count them in
    ``Campaign.anonymous_signatory_count``.
    """
    values = {
        "campaign": campaign,
        "name": name,
        "kind": kind,
        "position": position,
        "organisation": organisation,
        "tier": tier,
    }
    existing = Signatory.objects.filter(campaign=campaign, name=name).first()
    return save_upsert(Signatory, existing, values, respect_edited=False)


SIGNATORY_DEFAULTS = {
    "kind": Signatory.Kind.ORGANISATION,
    "position": 0,
    "organisation": None,
    "tier": Tier.PUBLIC,
}


@transaction.atomic
def signatories_upsert_many(
    *, campaign: Campaign, entries: Iterable[Mapping[str, Any]]
) -> list[Upserted[Signatory]]:
    """``signatory_upsert`` for a whole printed list (the seeds have one of 451 names).

    One query reads the campaign's signatories; new ones are bulk-created. Each row is
    validated in Python: choices and non-blank names by ``full_clean``, uniqueness of the
    name by the set below, so no per-row constraint queries are needed.
    """
    existing = {s.name: s for s in campaign.signatories.all()}
    results, create, update, seen = [], [], [], set()
    for entry in entries:
        values = {**SIGNATORY_DEFAULTS, **entry, "campaign": campaign}
        name = values["name"]
        if name in seen:
            raise ValidationError({"name": f"{name!r} is listed twice."})
        seen.add(name)
        obj = existing.get(name) or Signatory()
        changed = assign(obj, values)
        if obj.pk is None or changed:
            obj.full_clean(exclude=["campaign"], validate_unique=False, validate_constraints=False)
            (create if obj.pk is None else update).append(obj)
        outcome = (
            Outcome.CREATED if obj.pk is None else Outcome.UPDATED if changed else Outcome.UNCHANGED
        )
        results.append(Upserted(obj, outcome))
    Signatory.objects.bulk_create(create)
    Signatory.objects.bulk_update(update, ["kind", "position", "organisation", "tier"])
    return results


@transaction.atomic
def country_rating_upsert(
    *,
    country: str,
    rating: str,
    date: PartialDate,
    source: str = "",
    seed_document: str = "",
) -> Upserted[CountryRating]:
    """A CIVICUS Monitor rating on a date, keyed on (country, date, rating)."""
    values = {
        "country": country,
        "rating": rating,
        "date_partial": date,
        "source": source,
        "seed_document": seed_document,
    }
    existing = CountryRating.objects.filter(country=country, date=date.value, rating=rating).first()
    return save_upsert(CountryRating, existing, values, respect_edited=False)
