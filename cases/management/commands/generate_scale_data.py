"""Deterministic synthetic data for benchmarks: obviously fake people, realistic spread.

    python manage.py generate_scale_data --cases 100000 --events-per-case 10 --seed 1

Rows are inserted with bulk_create in batches (no services: this is load generation, not
caseworker input); every synthetic case's reference starts with ``SYN-`` so the data can be
told apart and removed with ``--purge``.

Besides cases, people and their records it makes what the benchmark (``manage.py bench``)
reads: partner organisations that cases are shared with (so a partner sees a realistic
subset), campaigns linking cases, aliases in two scripts, and change-log entries for every
row — bulk_create skips the signals of cases/changefeed.py, so they are written here with
its ``log_changes`` helper, in the feed's kind order, in the same transaction as the rows.

The audit trail gets one summary entry per batch (which rows, how many), not one per row:
AuditedQuerySet.bulk_create would write a full-value audit row for each of the millions of
synthetic rows, which quintuples the load time and buries the real trail in noise.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from campaigns.models import Campaign
from cases.changefeed import log_changes
from cases.models import (
    Case,
    CaseShare,
    Charge,
    ChargeDocument,
    Detention,
    Facility,
    Hearing,
    TimelineEvent,
)
from casetracker import audit
from casetracker.fields import Tier
from casetracker.partialdate import PartialDate, Precision
from people.models import Organisation, Person, PersonAlias

# Syllables per script, so full-text search meets Latin, Cyrillic, Arabic, Thai, Myanmar
# and Devanagari names. None of these are real people.
SYLLABLES = {
    "latin": ["ka", "lo", "mi", "ran", "te", "vo", "zu", "ba", "del", "sin", "tor", "ne"],
    "cyrillic": ["ка", "ло", "ми", "ран", "те", "во", "зу", "ба", "дел", "син"],
    "arabic": ["كا", "لو", "مي", "ران", "تي", "فو", "زو", "با"],
    "thai": ["กา", "โล", "มี", "ราน", "เต", "โว", "ซู", "บา"],
    "myanmar": ["ကာ", "လို", "မီ", "ရန်", "တေ", "ဗို", "ဇူ", "ဘာ"],
    "devanagari": ["का", "लो", "मी", "रान", "ते", "वो", "ज़ु", "बा"],
}
COUNTRIES = [  # (code, weight, script)
    ("IN", 14, "devanagari"),
    ("RU", 12, "cyrillic"),
    ("EG", 10, "arabic"),
    ("TH", 9, "thai"),
    ("MM", 9, "myanmar"),
    ("BY", 8, "cyrillic"),
    ("KZ", 6, "cyrillic"),
    ("DZ", 6, "arabic"),
    ("BD", 6, "latin"),
    ("HK", 5, "latin"),
    ("KH", 5, "latin"),
    ("CD", 4, "latin"),
    ("SG", 3, "latin"),
    ("GE", 3, "latin"),
]
STATUSES = [
    ("detained", 45),
    ("sentenced", 15),
    ("on_bail", 12),
    ("released", 15),
    ("in_exile", 5),
    ("harassed", 6),
    ("deceased", 1),
    ("disappeared", 1),
]
TIERS = [(Tier.PUBLIC, 55), (Tier.PARTNERS, 25), (Tier.INTERNAL, 15), (Tier.RESTRICTED, 5)]
LAWS = [
    ("Penal Code", ["120B", "121", "121A", "124A", "153A"]),
    ("Unlawful Activities (Prevention) Act", ["13", "17", "18", "18B", "38", "39", "40"]),
    ("Criminal Code", ["112", "275.1", "280.3", "330.1", "342"]),
    ("Computer Crimes Act", ["14", ""]),
]
BATCH = 5000
PARTNER_ORGS = 3
CAMPAIGNS = 20
SHARE_RATE = 0.3  # cases shared with one partner organisation
CAMPAIGN_RATE = 0.1  # cases linked to a campaign


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def fake_name(rng: random.Random, script: str, n: int) -> str:
    syl = SYLLABLES[script]
    given = "".join(rng.choice(syl) for _ in range(2))
    family = "".join(rng.choice(syl) for _ in range(3))
    return f"{given.title()} {family.title()} {n}"


def partial_date(rng: random.Random, start: dt.date, span_days: int) -> PartialDate:
    day = start + dt.timedelta(days=rng.randrange(max(1, span_days)))
    precision = weighted(rng, [(Precision.DAY, 45), (Precision.MONTH, 40), (Precision.YEAR, 15)])
    return PartialDate(day, precision, approximate=rng.random() < 0.05)


def set_partial(obj, name: str, value: PartialDate) -> None:
    setattr(obj, f"{name}_partial", value)


def bulk_insert(model, objs: list) -> list:
    """bulk_create without AuditedQuerySet's per-row audit (see the module docstring)."""
    return models.QuerySet(model).bulk_create(objs, batch_size=BATCH)


class Command(BaseCommand):
    help = "Load deterministic synthetic cases for benchmarks (references start with SYN-)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1000)
        parser.add_argument("--events-per-case", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--purge", action="store_true", help="delete earlier SYN- data first")

    def handle(self, *args, cases: int, events_per_case: int, seed: int, purge: bool, **opts):
        if cases < 1 or events_per_case < 0:
            raise CommandError("--cases must be ≥ 1 and --events-per-case ≥ 0")
        started = time.monotonic()
        if purge:
            self._purge()
        elif Case.objects.filter(reference__startswith="SYN-").exists():
            raise CommandError("synthetic data exists already; add --purge to replace it")
        rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets
        owners = self._owners()
        facilities = self._facilities()
        self.partners = self._partners()
        self.campaigns = self._campaigns(owners)
        done = 0
        while done < cases:
            size = min(BATCH, cases - done)
            with transaction.atomic(), audit.system_actor("generate_scale_data"):
                counts = self._batch(rng, done, size, events_per_case, owners, facilities)
                audit._write(
                    [
                        audit._entry(
                            "create",
                            model_label="cases.case",
                            object_id=f"SYN-{done:07d}..SYN-{done + size - 1:07d}",
                            changes={"synthetic_rows": counts},
                        )
                    ]
                )
            done += size
            self.stdout.write(f"  {done:,}/{cases:,} cases ({time.monotonic() - started:.0f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics for the planner
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {cases:,} cases and {cases * events_per_case:,} events "
                f"in {time.monotonic() - started:.1f} s"
            )
        )

    def _purge(self) -> None:
        synthetic = Case.objects.filter(reference__startswith="SYN-")
        person_ids = list(synthetic.values_list("person_id", flat=True))
        synthetic.delete()
        Person.objects.filter(pk__in=person_ids).delete()
        Campaign.objects.filter(slug__startswith="syn-").delete()

    def _owners(self) -> list[Organisation]:
        return [
            Organisation.objects.get_or_create(
                name=f"Synthetic Member Org {i}", defaults={"acronym": f"SYN{i}", "is_member": True}
            )[0]
            for i in range(1, 6)
        ]

    def _partners(self) -> list[Organisation]:
        # Member organisations whose accounts are partners (API readers of shared cases).
        return [
            Organisation.objects.get_or_create(
                name=f"Synthetic Partner Org {i}",
                defaults={"acronym": f"SYNP{i}", "is_member": True},
            )[0]
            for i in range(1, PARTNER_ORGS + 1)
        ]

    def _campaigns(self, owners) -> list[Campaign]:
        campaigns = []
        for i in range(1, CAMPAIGNS + 1):
            campaign, created = Campaign.objects.get_or_create(
                slug=f"syn-campaign-{i}",
                defaults={
                    "title": f"Synthetic campaign {i}",
                    "hashtag": f"#SynFree{i}",
                    "owner": owners[i % len(owners)],
                    "tier": Tier.PUBLIC if i % 4 else Tier.PARTNERS,
                },
            )
            if created:
                log_changes([("campaign", campaign.pk)])
            campaigns.append(campaign)
        return campaigns

    def _facilities(self) -> list[Facility]:
        return [
            Facility.objects.get_or_create(
                name=f"Synthetic Prison {i}", city=f"Synthcity {i}", country=code
            )[0]
            for i, (code, _w, _s) in enumerate(COUNTRIES)
        ]

    def _batch(self, rng, offset, size, events_per_case, owners, facilities) -> None:
        people, cases = [], []
        for i in range(offset, offset + size):
            code, _w, script = rng.choices(COUNTRIES, [c[1] for c in COUNTRIES])[0]
            person = Person(
                primary_name=fake_name(rng, "latin", i),
                native_name=fake_name(rng, script, i),
                country=code,
                roles=[rng.choice(["defender", "journalist", "lawyer", "activist"])],
                tier=Tier.PUBLIC,
            )
            people.append(person)
            case = Case(
                reference=f"SYN-{i:07d}",
                title=f"Case of {person.primary_name}",
                country=code,
                status=weighted(rng, STATUSES),
                owner=rng.choice(owners),
                tier=weighted(rng, TIERS),
                consent=rng.choice(["public", "public", "partners", "none"]),
                summary=f"Synthetic case {i}: detained after peaceful protest.",
            )
            set_partial(case, "detained_since", partial_date(rng, dt.date(2012, 1, 1), 4700))
            cases.append(case)
        bulk_insert(Person, people)
        aliases = [PersonAlias(person=p, name=p.native_name) for p in people]
        # A second, Latin spelling for some (Alexei/Alexey): same syllables, another order.
        aliases += [
            PersonAlias(person=p, name=" ".join(reversed(p.primary_name.split(" ")[:2])))
            for p in people
            if rng.random() < 0.3
        ]
        bulk_insert(PersonAlias, aliases)
        for person, case in zip(people, cases, strict=True):
            case.person = person
        bulk_insert(Case, cases)
        self._links(rng, cases)
        log_changes([("person", p.pk) for p in people])
        log_changes([("case", c.pk) for c in cases])
        counts = {"person": len(people), "alias": len(aliases), "case": len(cases)}
        counts.update(self._children(rng, cases, events_per_case, facilities))
        return counts

    def _links(self, rng, cases) -> None:
        """Shares with partner organisations and campaign links (no signals: bulk)."""
        shares, links = [], []
        through = Campaign.cases.through
        for case in cases:
            if case.tier != Tier.RESTRICTED and rng.random() < SHARE_RATE:
                tier = Tier.PARTNERS if rng.random() < 0.75 else Tier.INTERNAL
                org = rng.choice(self.partners)
                shares.append(CaseShare(case=case, organisation=org, tier=tier))
            if rng.random() < CAMPAIGN_RATE:
                links.append(through(case_id=case.pk, campaign_id=rng.choice(self.campaigns).pk))
        bulk_insert(CaseShare, shares)
        bulk_insert(through, links)

    def _children(self, rng, cases, events_per_case, facilities) -> dict:
        events, docs, hearings, detentions = [], [], [], []
        types = [t for t in TimelineEvent.Type.values if t != "other"]
        for case in cases:
            since = case.detained_since
            for _ in range(events_per_case):
                ev = TimelineEvent(
                    case=case,
                    type=rng.choice(types),
                    tier=case.tier,
                    summary=f"Synthetic {rng.choice(types)} event.",
                )
                set_partial(ev, "date", partial_date(rng, since, 3000))
                events.append(ev)
            doc = ChargeDocument(case=case, kind="charge_sheet", tier=case.tier, is_current=True)
            set_partial(doc, "date", PartialDate(since, Precision.DAY))
            docs.append(doc)
            hearing = Hearing(
                case=case,
                court="Synthetic Special Court",
                kind="remand",
                tier=case.tier,
                date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(730)),
            )
            hearings.append(hearing)
            det = Detention(
                case=case, facility=rng.choice(facilities), type="pre_trial", tier=case.tier
            )
            set_partial(det, "start", PartialDate(since, Precision.DAY))
            detentions.append(det)
        bulk_insert(TimelineEvent, events)
        bulk_insert(ChargeDocument, docs)
        bulk_insert(Hearing, hearings)
        bulk_insert(Detention, detentions)
        charges = []
        for doc in docs:
            law, sections = rng.choice(LAWS)
            for pos, section in enumerate(rng.sample(sections, min(2, len(sections)))):
                charges.append(
                    Charge(
                        case_id=doc.case_id,
                        document=doc,
                        law=law,
                        section=section,
                        tier=doc.tier,
                        position=pos,
                        description="synthetic charge",
                    )
                )
        bulk_insert(Charge, charges)
        for kind, rows in (
            ("event", events),
            ("charge", charges),
            ("hearing", hearings),
            ("detention", detentions),
        ):
            log_changes([(kind, row.pk) for row in rows])
        return {"event": len(events), "charge": len(charges), "hearing": len(hearings)}
