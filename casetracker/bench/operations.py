"""The measured operations. Each returns the rows it produced and a payload from which
its physical-limit reference is built (see reference.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Reminder
from campaigns.reminders.planner import plan_reminders
from campaigns.reminders.sender import sweep_reminders
from cases.changefeed import feed_model
from cases.models import Case, ChangeLogEntry
from casetracker.bench import actors as A
from casetracker.bench.reference import CaseReference, _fetch, table_rows_reference
from casetracker.visibility import visible


@dataclass
class Op:
    name: str
    run: Callable[[], tuple[int, Any]]
    reference: Callable[[Any], Callable[[], Any] | None] = lambda payload: None
    setup: Callable[[], None] | None = None  # untimed, before every run
    heavy: bool = False  # repeated --heavy-repeat times instead of --repeat
    note: str = ""


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]}")
    return response


def api_list(client, url: str) -> Callable[[], tuple[int, Any]]:
    def run():
        response = _get(client, url)
        return len(response.json()["results"]), response

    return run


def case_reference(payload):
    body = payload.json()
    return CaseReference(body["results"] if "results" in body else [body])


# -- API -------------------------------------------------------------------------------------
def api_ops(actors: A.Actors, terms: dict[str, str]) -> list[Op]:
    deep = A.cursor_after(A.deep_position(actors.partner_viewer))
    ops = []
    for size in (50, 500):
        base = f"/api/v1/cases/?page_size={size}"
        ops.append(Op(f"partner_list_{size}_first", api_list(actors.partner, base), case_reference))
        ops.append(
            Op(
                f"partner_list_{size}_deep",
                api_list(actors.partner, f"{base}&cursor={deep}"),
                case_reference,
                note="cursor at 90 % of the partner's cases",
            )
        )
    case_id = visible(actors.partner_viewer, Case).order_by("-pk").values_list("pk", flat=True)[0]

    def detail():
        return 1, _get(actors.partner, f"/api/v1/cases/{case_id}/")

    ops.append(Op("partner_case_detail", detail, case_reference))
    for label, term in terms.items():
        url = f"/api/v1/cases/?page_size=50&q={term}"
        ops.append(Op(f"search_{label}", api_list(actors.partner, url), case_reference, note=term))
    ops.append(feed_op(actors))
    return ops


def search_terms(actors: A.Actors) -> dict[str, str]:
    """A rare term (one case's number), a common one, a non-Latin (Cyrillic) name part."""
    cases = visible(actors.partner_viewer, Case).order_by("pk")
    rare = cases.values_list("reference", flat=True)[cases.count() // 2]
    cyrillic = (
        cases.filter(country="RU", person__isnull=False)
        .values_list("person__native_name", flat=True)
        .first()
    )
    return {
        "rare": str(int(rare.removeprefix("SYN-"))) if rare.startswith("SYN-") else rare,
        "common": "protest",
        "non_latin": (cyrillic or "Калоран").split(" ")[0],
    }


def feed_op(actors: A.Actors) -> Op:
    last = ChangeLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    after = last // 2
    url = f"/api/v1/changes/?after={after}&page_size=500"

    def run():
        response = _get(actors.partner, url)
        return len(response.json()["results"]), response

    def reference(payload):
        by_kind: dict[str, list[int]] = {}
        for item in payload.json()["results"]:
            by_kind.setdefault(item["type"], []).append(item["id"])

        def ref():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, kind, object_id, action FROM cases_changelogentry "
                    "WHERE id > %s ORDER BY id LIMIT 501",
                    [after],
                )
                log = cursor.fetchall()
            dumps = [orjson.dumps(log)]
            for kind, ids in by_kind.items():
                table = feed_model(kind)._meta.db_table
                dumps.append(table_rows_reference(table, "*", ids))
            return dumps

        return ref

    return Op("change_feed_500", run, reference, note=f"after={after}, partner")


# -- admin ------------------------------------------------------------------------------------
ADMIN_LIST_SQL = (
    "SELECT c.id, c.title, p.primary_name, c.country, c.status, c.detained_since, "
    "c.detained_since_precision, o.name, c.tier FROM cases_case c "
    "JOIN people_organisation o ON o.id = c.owner_id "
    "LEFT JOIN people_person p ON p.id = c.person_id WHERE c.id IN ({ids})"
)
CHILD_TABLES = (
    "cases_timelineevent",
    "cases_chargedocument",
    "cases_charge",
    "cases_hearing",
    "cases_detention",
    "cases_source",
    "cases_reviewitem",
    "cases_caseshare",
)


def admin_ops(actors: A.Actors) -> list[Op]:
    client = actors.caseworker

    def changelist():
        response = _get(client, "/admin/cases/case/")
        return len(response.context_data["cl"].result_list), response

    def changelist_ref(payload):
        ids = [c.pk for c in payload.context_data["cl"].result_list]
        return lambda: orjson.dumps(_fetch(ADMIN_LIST_SQL, ids))

    case_id = (
        Case.objects.filter(owner__name=A.MEMBER_ORG, reference__startswith="SYN-")
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )

    def change():
        response = _get(client, f"/admin/cases/case/{case_id}/change/")
        rows = sum(len(fs.formset.forms) for fs in response.context_data["inline_admin_formsets"])
        return rows, response

    def change_ref(payload):
        def ref():
            dumps = [table_rows_reference("cases_case", "*", [case_id])]
            for table in CHILD_TABLES:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT * FROM {table} WHERE case_id = %s", [case_id])  # noqa: S608
                    dumps.append(orjson.dumps(cursor.fetchall(), default=str))
            return dumps

        return ref

    return [
        Op("admin_case_changelist", changelist, changelist_ref, note="caseworker, 50 per page"),
        Op("admin_case_change", change, change_ref, note="caseworker, own case"),
    ]


# -- jobs -------------------------------------------------------------------------------------
def planner_op() -> Op:
    subs = A.planner_subscriptions()

    def setup():  # cold plan: the bench subscriptions' reminders are gone
        Reminder.objects.filter(subscription__in=subs).delete()
        vacuum(Reminder)

    def run():
        result = plan_reminders()
        return Case.objects.count(), result

    def reference(payload):
        sql = (
            "SELECT id, status, detained_since, detained_since_precision, person_id, tier, "
            "consent, owner_id FROM cases_case"
        )

        def ref():
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return orjson.dumps(cursor.fetchall(), default=str)

        return ref

    return Op(
        "reminder_planner_all_cases",
        run,
        reference,
        setup=setup,
        heavy=True,
        note=f"{len(subs)} subscriptions; rows = cases; reference = one read of every case",
    )


def sweep_op(count: int = 10_000) -> Op:
    sub = A.sweep_subscription()
    state = {}

    def setup():
        # Rows the planner benchmark left due would be swept too.
        Reminder.objects.filter(subscription__label__startswith=A.PLANNER_LABEL).delete()
        state["now"] = timezone.now()
        state["rows"] = A.reset_due_reminders(sub, count, now=state["now"])
        vacuum(Reminder)
        type(sub).objects.filter(pk=sub.pk).update(active=True)

    def run():
        transport = A.CountingTransport()
        try:
            result = sweep_reminders(now=state["now"], transport=transport, max_seconds=3600)
        finally:
            type(sub).objects.filter(pk=sub.pk).update(active=False)
        if result["sent"] != state["rows"]:
            raise RuntimeError(f"sweep sent {result['sent']} of {state['rows']}: {result}")
        return transport.sent, result

    def reference(payload):
        def ref():  # claim-free floor: read the due rows and mark them sent in one go
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT id, case_id, title, draft_text FROM campaigns_reminder "
                        "WHERE subscription_id = %s",
                        [sub.pk],
                    )
                    rows = cursor.fetchall()
                    cursor.execute(
                        "UPDATE campaigns_reminder SET state = 'sent' WHERE subscription_id = %s",
                        [sub.pk],
                    )
                transaction.set_rollback(True)
            return orjson.dumps(rows)

        return ref

    return Op(
        f"reminder_sweep_{count}", run, reference, setup=setup, heavy=True, note="fake transport"
    )


def chronology_op(entries: int = 2000) -> Op:
    from seeds.bench_chronology import synthetic_chronology
    from seeds.chronology_loader import chronology_import

    text = synthetic_chronology(entries)
    owner = Case.objects.filter(reference__startswith="SYN-").values_list("owner_id", flat=True)[0]
    state = {}

    def setup():
        Case.objects.filter(reference="BENCH-CHRONOLOGY").delete()
        state["case"] = Case.objects.create(
            reference="BENCH-CHRONOLOGY",
            title="Benchmark chronology import",
            kind="group",
            group_name="Benchmark",
            country="IN",
            status="detained",
            owner_id=owner,
        )

    def run():
        # The real loader: parse, then every kind written set-based in one transaction.
        report = chronology_import(case=state["case"], text=text)
        return len(report.result.entries), report.result

    def reference(payload):
        rows = [(e.line, e.date.iso(), e.type, e.text, e.fingerprint) for e in payload.entries]

        def ref():  # one multi-row INSERT of the same entries, rolled back
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO bench_scratch (line, date, type, summary, fp) "
                        "VALUES (%s, %s, %s, %s, %s)",
                        rows,
                    )
                transaction.set_rollback(True)

        return ref

    return Op(
        "chronology_import",
        run,
        reference,
        setup=setup,
        heavy=True,
        note="seeds.chronology_loader.chronology_import (parse + all kinds, set-based)",
    )


def vacuum(model) -> None:
    """Untimed, between repetitions: each run deletes and re-creates up to 637,000 reminder
    rows, and where autovacuum is off (as on the machine of the README's figures) the dead
    rows would pile up and make every repetition slower than the one before."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def scratch_table() -> None:
    """A temporary table for the import reference (no constraints, no indexes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS bench_scratch "
            "(line integer, date varchar(10), type varchar(20), summary text, fp varchar(64))"
        )


def now_utc() -> dt.datetime:
    return timezone.now()
