"""Writes for campaigns, their signatories and country ratings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from campaigns.models import Campaign, CountryRating, Signatory
from cases.models import Case
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate
from casetracker.upserts import Outcome, Upserted, save_upsert
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
