"""Writes for people, organisations and affiliations (seed loader, importers, API)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from casetracker.fields import Tier
from casetracker.partialdate import PartialDate
from casetracker.upserts import Outcome, Upserted, save_upsert
from people.models import Affiliation, Organisation, Person, PersonAlias


@transaction.atomic
def organisation_upsert(
    *,
    name: str,
    acronym: str = "",
    country: str = "",
    kind: str = Organisation.Kind.NGO,
    is_member: bool = False,
    website: str = "",
    description: str = "",
) -> Upserted[Organisation]:
    """Find an organisation by its (unique) name and make it carry these values."""
    values = {
        "name": name,
        "acronym": acronym,
        "country": country,
        "kind": kind,
        "is_member": is_member,
        "website": website,
        "description": description,
    }
    existing = Organisation.objects.filter(name=name).first()
    return save_upsert(Organisation, existing, values, respect_edited=False)


@transaction.atomic
def person_upsert(
    *,
    primary_name: str,
    country: str = "",
    person: Person | None = None,
    native_name: str = "",
    aliases: Iterable[str] = (),
    roles: Iterable[str] = (),
    gender: str = "",
    birth_date: PartialDate | None = None,
    bio: str = "",
    tier: str = Tier.INTERNAL,
) -> Upserted[Person]:
    """Update ``person`` (or the one with this name and country), or create one.

    Aliases are added when missing and never removed: a caseworker may have added
    spellings the source does not know.
    """
    values = {
        "primary_name": primary_name,
        "country": country,
        "native_name": native_name,
        "roles": list(roles),
        "gender": gender,
        "birth_date_partial": birth_date,
        "bio": bio,
        "tier": tier,
    }
    if person is None:
        person = (
            Person.objects.filter(primary_name=primary_name, country=country).order_by("id").first()
        )
    # A person a caseworker has changed is theirs: keep it (aliases are still only added).
    result = save_upsert(Person, person, values, respect_edited=True)
    if _add_aliases(result.obj, aliases) and result.outcome == Outcome.UNCHANGED:
        result = Upserted(result.obj, Outcome.UPDATED)
    return result


def _add_aliases(person: Person, aliases: Iterable[str]) -> int:
    known = set(person.aliases.values_list("name", flat=True))
    added = 0
    for name in aliases:
        name = name.strip()
        if name and name not in known and name != person.primary_name:
            alias = PersonAlias(person=person, name=name)
            alias.full_clean()
            alias.save()
            known.add(name)
            added += 1
    return added


@transaction.atomic
def affiliation_upsert(
    *,
    person: Person,
    organisation: Organisation,
    role: str = "",
    start: PartialDate | None = None,
    end: PartialDate | None = None,
    tier: str = Tier.INTERNAL,
) -> Upserted[Affiliation]:
    """Person X is <role> of organisation Y; keyed on (person, organisation, role)."""
    values = {
        "person": person,
        "organisation": organisation,
        "role": role,
        "start_partial": start,
        "end_partial": end,
        "tier": tier,
    }
    existing = Affiliation.objects.filter(
        person=person, organisation=organisation, role=role
    ).first()
    return save_upsert(Affiliation, existing, values, respect_edited=False)
