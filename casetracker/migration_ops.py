"""Migration operations shared by the apps."""

from __future__ import annotations

from django.db import migrations


class PostgresOnlyRunSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite in development and tests).

    Used for PostgreSQL-only indexes such as the full-text GIN indexes the API's ``q``
    filter uses; their expressions must match the query's SQL exactly to be used.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
