"""EXPLAIN ANALYZE of the full-text search requests (PostgreSQL): is the GIN index used?"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

FTS_INDEXES = ("case_text_fts", "person_name_fts", "alias_name_fts")


def search_plans(actors, terms: dict[str, str]) -> dict:
    if connection.vendor != "postgresql":
        return {}
    plans = {}
    for label, term in terms.items():
        with CaptureQueriesContext(connection) as ctx:
            actors.partner.get(f"/api/v1/cases/?page_size=50&q={term}")
        sql = next((q["sql"] for q in ctx.captured_queries if "to_tsvector" in q["sql"]), None)
        if sql is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans[label] = {
            "term": term,
            "indexes_used": [name for name in FTS_INDEXES if name in plan],
            "plan": plan,
        }
    return plans
