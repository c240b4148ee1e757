from django.db import migrations

from casetracker.migration_ops import PostgresOnlyRunSQL

# Kinds and models the change feed covers; keep in step with cases/changefeed.py.
FEED_MODELS = [
    ("organisation", "people", "Organisation"),
    ("person", "people", "Person"),
    ("case", "cases", "Case"),
    ("source", "cases", "Source"),
    ("event", "cases", "TimelineEvent"),
    ("charge", "cases", "Charge"),
    ("hearing", "cases", "Hearing"),
    ("detention", "cases", "Detention"),
    ("campaign", "campaigns", "Campaign"),
]


def backfill(apps, schema_editor):
    """Records that existed before the feed get one entry each, so after=0 sees them."""
    entry = apps.get_model("cases", "ChangeLogEntry")
    for kind, app, name in FEED_MODELS:
        ids = apps.get_model(app, name).objects.order_by("pk").values_list("pk", flat=True)
        entry.objects.bulk_create(
            [entry(kind=kind, object_id=pk, action="save") for pk in ids.iterator()],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_change_feed"),
        ("people", "0004_name_search_indexes"),
        ("campaigns", "0001_initial"),
    ]

    operations = [
        PostgresOnlyRunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS case_text_fts ON cases_case USING gin "
                "(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || "
                "COALESCE(summary, '')))"
            ),
            reverse_sql="DROP INDEX IF EXISTS case_text_fts",
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
