"""The app's PostgreSQL sessions plan for RAM/SSD and never JIT-compile (issue 7)."""

from __future__ import annotations

from django.db import connection


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_app_sessions_run_without_jit_and_with_ssd_page_costs(on_postgres):
    assert _show("jit") == "off"
    assert float(_show("random_page_cost")) == 1.1
