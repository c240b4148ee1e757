from django.db import migrations

from casetracker.migration_ops import PostgresOnlyRunSQL

# Used by the API's q= filter (casetracker/search.py): the expressions are exactly what
# SearchVector(..., config="simple") renders, or PostgreSQL would not use the index.
# 'simple' does no stemming and keeps every script, so Myanmar or Cyrillic names match.


class Migration(migrations.Migration):
    dependencies = [("people", "0003_partner_token")]

    operations = [
        PostgresOnlyRunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS person_name_fts ON people_person USING gin "
                "(to_tsvector('simple'::regconfig, COALESCE(primary_name, '') || ' ' || "
                "COALESCE(native_name, '')))"
            ),
            reverse_sql="DROP INDEX IF EXISTS person_name_fts",
        ),
        PostgresOnlyRunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS alias_name_fts ON people_personalias USING gin "
                "(to_tsvector('simple'::regconfig, COALESCE(name, '')))"
            ),
            reverse_sql="DROP INDEX IF EXISTS alias_name_fts",
        ),
    ]
