"""Physical-limit references: plain SQL for exactly the returned fields, plus orjson.

Portable SQL (SQLite and PostgreSQL), one statement per table like the API's prefetches,
rows selected by the ids the measured operation returned. No visibility predicate and no
ORM: the floor the real code path is compared with.

The SQL strings are built from constants only; values always go in as parameters.
"""

from __future__ import annotations

from collections import defaultdict

import orjson
from django.db import connection

PD = "{0}, {0}_precision, {0}_approximate, {0}_as_written"


def _fetch(sql: str, ids) -> list[tuple]:
    ids = list(ids)
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ids=marks), ids)
        return cursor.fetchall()


def _pd(value, precision, approximate, as_written) -> dict | None:
    if value is None:
        return None
    return {"date": value, "precision": precision, "approximate": approximate, "text": as_written}


CASE_SQL = (
    "SELECT c.id, c.reference, c.title, c.kind, c.group_name, c.group_size, c.country, "
    "c.status, c.summary, c.language, c.tier, "
    + PD.format("c.detained_since")
    + ", "
    + PD.format("c.released_on")
    + ", c.verdict_reached, c.consent, c.wgad_categories, c.created_at, c.updated_at, "
    "p.id, p.primary_name, p.native_name, o.id, o.name, o.acronym "
    "FROM cases_case c JOIN people_organisation o ON o.id = c.owner_id "
    "LEFT JOIN people_person p ON p.id = c.person_id WHERE c.id IN ({ids}) ORDER BY c.id"
)
ALIAS_SQL = "SELECT person_id, name FROM people_personalias WHERE person_id IN ({ids}) ORDER BY id"
CHARGE_SQL = (
    "SELECT case_id, id, law, section, description, status FROM cases_charge "
    "WHERE id IN ({ids}) ORDER BY position, id"
)
DETENTION_SQL = (
    "SELECT d.case_id, d.id, d.type, d.place, "  # noqa: S608 - constants only
    + PD.format("d.start")
    + ", f.id, f.name, f.city, f.country, f.kind FROM cases_detention d "
    "LEFT JOIN cases_facility f ON f.id = d.facility_id WHERE d.id IN ({ids})"
)
HEARING_SQL = (
    "SELECT case_id, id, " + PD.format("date") + ", time, timezone, court, kind "
    "FROM cases_hearing WHERE id IN ({ids})"
)
CAMPAIGN_SQL = (
    "SELECT cc.case_id, k.id, k.title, k.hashtag FROM campaigns_campaign_cases cc "
    "JOIN campaigns_campaign k ON k.id = cc.campaign_id WHERE cc.id IN ({ids})"
)


def _campaign_link_ids(pairs: list[tuple[int, int]]) -> list[int]:
    if not pairs:
        return []
    rows = _fetch(
        "SELECT id, case_id, campaign_id FROM campaigns_campaign_cases WHERE case_id IN ({ids})",
        {c for c, _k in pairs},
    )
    wanted = set(pairs)
    return [pk for pk, case_id, campaign_id in rows if (case_id, campaign_id) in wanted]


class CaseReference:
    """The case list/detail floor: ids are taken from one response of the measured call."""

    def __init__(self, cases: list[dict]):
        self.case_ids = [c["id"] for c in cases]
        self.person_ids = [c["person"]["id"] for c in cases if c.get("person")]
        self.charge_ids = [ch["id"] for c in cases for ch in c.get("current_charges", [])]
        self.detention_ids = [
            c["current_detention"]["id"] for c in cases if c.get("current_detention")
        ]
        self.hearing_ids = [c["next_hearing"]["id"] for c in cases if c.get("next_hearing")]
        pairs = [(c["id"], k["id"]) for c in cases for k in c.get("campaigns", [])]
        self.link_ids = _campaign_link_ids(pairs)

    def __call__(self) -> bytes:
        aliases = defaultdict(list)
        for person_id, name in _fetch(ALIAS_SQL, self.person_ids):
            aliases[person_id].append(name)
        children = {key: defaultdict(list) for key in ("charges", "det", "hear", "camp")}
        for key, sql, ids in (
            ("charges", CHARGE_SQL, self.charge_ids),
            ("det", DETENTION_SQL, self.detention_ids),
            ("hear", HEARING_SQL, self.hearing_ids),
            ("camp", CAMPAIGN_SQL, self.link_ids),
        ):
            for row in _fetch(sql, ids):
                children[key][row[0]].append(row[1:])
        out = [_case(row, aliases, children) for row in _fetch(CASE_SQL, self.case_ids)]
        return orjson.dumps({"results": out})


def _case(r: tuple, aliases: dict, children: dict) -> dict:
    pk = r[0]
    det = children["det"].get(pk)
    hear = children["hear"].get(pk)
    return {
        "id": pk,
        "reference": r[1],
        "title": r[2],
        "kind": r[3],
        "group_name": r[4],
        "group_size": r[5],
        "country": r[6],
        "status": r[7],
        "summary": r[8],
        "language": r[9],
        "tier": r[10],
        "detained_since": _pd(*r[11:15]),
        "released_on": _pd(*r[15:19]),
        "verdict_reached": r[19],
        "consent": r[20],
        "wgad_categories": r[21],
        "created_at": r[22],
        "updated_at": r[23],
        "person": r[24]
        and {
            "id": r[24],
            "primary_name": r[25],
            "native_name": r[26],
            "aliases": aliases.get(r[24], []),
        },
        "owner": {"id": r[27], "name": r[28], "acronym": r[29]},
        "current_charges": [
            dict(zip(("id", "law", "section", "description", "status"), c, strict=True))
            for c in children["charges"].get(pk, [])
        ],
        "current_detention": det
        and {
            "id": det[0][0],
            "type": det[0][1],
            "place": det[0][2],
            "start": _pd(*det[0][3:7]),
            "facility": det[0][7]
            and dict(zip(("id", "name", "city", "country", "kind"), det[0][7:], strict=True)),
        },
        "next_hearing": hear
        and {
            "id": hear[0][0],
            "date": _pd(*hear[0][1:5]),
            "time": hear[0][5],
            "timezone": hear[0][6],
            "court": hear[0][7],
            "kind": hear[0][8],
        },
        "campaigns": [
            dict(zip(("id", "title", "hashtag"), k, strict=True))
            for k in children["camp"].get(pk, [])
        ],
    }


def table_rows_reference(table: str, columns: str, ids) -> bytes:
    """Generic floor: the listed columns of ``table`` for ``ids``, dumped."""
    ids = list(ids)
    rows = _fetch(f"SELECT {columns} FROM {table} WHERE id IN ({{ids}})", ids)  # noqa: S608
    return orjson.dumps(rows)
