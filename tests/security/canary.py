"""Canary strings planted in every restricted field, and the searches that must miss them.

Other test modules (API, reminders, exports) can reuse these: plant, exercise, assert 0.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.db import connection

from campaigns.models import Subscription
from campaigns.reminders.services import subscription_create
from cases.models import CaseNote
from casetracker.crypto import encrypted_fields
from casetracker.fields import Tier
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    HearingFactory,
    PersonFactory,
    SourceFactory,
    TimelineEventFactory,
)

CANARY_PREFIX = "CANARY"


def new_canary() -> str:
    return f"{CANARY_PREFIX}{uuid.uuid4().hex}"


@dataclass
class CanaryWorld:
    token: str
    case: object
    person: object
    source: object
    detention: object
    notes: list = field(default_factory=list)
    # Restricted-tier records (plain columns, sealed at rest while restricted).
    tier_records: list = field(default_factory=list)
    # A partner webhook whose secret (encrypted at rest, used to sign) is the canary.
    webhook: object = None

    def records(self) -> list:
        return [self.person, self.source, self.detention, *self.notes]


def plant_canaries(*, owner, case_tier=Tier.INTERNAL) -> CanaryWorld:
    """One case of ``owner`` whose every restricted field holds the same canary token."""
    token = new_canary()
    person = PersonFactory(
        tier=Tier.INTERNAL, relatives=f"mother {token}", private_contact=f"phone {token}"
    )
    case = CaseFactory(owner=owner, person=person, tier=case_tier)
    source = SourceFactory(
        case=case, tier=Tier.INTERNAL, identity=f"insider {token}", contact=f"signal {token}"
    )
    detention = DetentionFactory(case=case, tier=Tier.INTERNAL, exact_address=f"cell {token}")
    notes = [
        CaseNote.objects.create(case=case, tier=t, text=f"note {t} {token}")
        for t in (Tier.INTERNAL, Tier.RESTRICTED)
    ]
    webhook = subscription_create(
        channel=Subscription.Channel.WEBHOOK,
        partner=owner,
        webhook_url="https://partner.example.invalid/canary-hook",
        webhook_secret=f"secret {token}",
    )
    world = CanaryWorld(token, case, person, source, detention, notes, webhook=webhook)
    for record in [
        *world.records(),
        webhook,
    ]:  # every restricted field of every model holds the canary
        for f in encrypted_fields(type(record)):
            assert token in getattr(record, f.name)
    return world


def plant_restricted_tier_records(world: CanaryWorld, *, hearing_on) -> list:
    """Restricted-tier event, source, hearing, detention, charge: their plain text is the canary."""
    token, case = world.token, world.case
    world.tier_records = [
        TimelineEventFactory(case=case, tier=Tier.RESTRICTED, summary=f"event {token}"),
        SourceFactory(
            case=case, tier=Tier.RESTRICTED, title=f"source {token}", publisher=f"pub {token}"
        ),
        HearingFactory(case=case, tier=Tier.RESTRICTED, court=f"court {token}", date=hearing_on),
        DetentionFactory(case=case, tier=Tier.RESTRICTED, place=f"safehouse {token}"),
        ChargeFactory(case=case, tier=Tier.RESTRICTED, description=f"charge {token}"),
    ]
    return world.tier_records


def count_in_database(token: str) -> int:
    """Search every table, every row, every column (raw SQL, no ORM decoding)."""
    hits = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                hits += sum(token in str(value) for value in row)
    return hits


def count_in_logs(token: str, records: list[logging.LogRecord]) -> int:
    hits = 0
    for record in records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.args)
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        hits += text.count(token)
    return hits


def count_in_mail(token: str, outbox: list) -> int:
    hits = 0
    for message in outbox:
        parts = [message.subject, message.body, *(a for a, _m in message.alternatives)]
        hits += sum(str(part).count(token) for part in parts)
    return hits
