"""Append-only rows inserted without their ids coming back: ``COPY`` on PostgreSQL.

The audit trail and the change log are written in bulk by every set-based write (one
audit row and one change-log entry per record an import creates) and nobody reads the
new rows' ids back. On PostgreSQL Django 5.2 bulk-inserts through ``UNNEST`` arrays, and
psycopg's client-side binding escapes every array element in Python — for the audit
rows' JSON (every ``"`` escaped twice) that was a fifth of a 2,000-entry import.
``COPY ... FROM STDIN`` takes the same values, formatted by psycopg's C row writer.

Values are prepared exactly as ``bulk_create`` prepares them (``pre_save`` with
``add=True`` — defaults, ``auto_now_add`` — then ``get_db_prep_save``), the statement runs
on the connection's current transaction, and database triggers, checks and defaults
(the id sequence) apply as to an INSERT. Other databases, and single rows, use
``bulk_create``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (unsaved instances); their ``pk`` stays unset on PostgreSQL."""
    if not objs:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) == 1:
        model._base_manager.using(using).bulk_create(objs)
        return
    _copy(connection, model, objs)


def insert_values(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` of values for the fields ``names`` without building model instances
    on PostgreSQL (other fields take their defaults as on ``bulk_create``; ``auto_now_add``
    fields are given a value by the caller). Elsewhere: instances and ``bulk_create``."""
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql" or len(rows) == 1:
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._base_manager.using(using).bulk_create(objs)
        return
    given = [model._meta.get_field(name) for name in names]
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f not in given]
    fields = [*given, *rest]

    def prepared():
        for row in rows:
            values = [*row, *(f.get_default() for f in rest)]  # per row, as on bulk_create
            yield [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]

    _copy_rows(connection, model, fields, prepared(), len(rows))


def _copy(connection, model: type[models.Model], objs: Sequence[models.Model]) -> None:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = ([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs)
    _copy_rows(connection, model, fields, rows, len(objs))


def _copy_rows(connection, model, fields: list, rows: Iterable[list], count: int) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    if connection.queries_logged:  # counted like any other statement (query-count tests)
        duration = time.monotonic() - started
        connection.queries_log.append({"sql": f"{sql} -- {count} rows", "time": f"{duration:.3f}"})
