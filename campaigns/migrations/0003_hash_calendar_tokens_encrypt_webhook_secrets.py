"""Calendar feed tokens: keep only their SHA-256 (+ a prefix); webhook secrets: encrypt.

Existing feed URLs keep working: their tokens are hashed in place. Existing webhook
secrets are encrypted with CASETRACKER_FIELD_KEYS through raw SQL (the ORM would try to
decrypt the plaintext it finds).
"""

import hashlib

from django.db import migrations, models

import campaigns.models
import casetracker.crypto

PREFIX_LENGTH = 6


def hash_tokens(apps, schema_editor):
    Subscription = apps.get_model("campaigns", "Subscription")
    for sub in Subscription.objects.only("pk", "calendar_token"):
        Subscription.objects.filter(pk=sub.pk).update(
            calendar_token_hash=hashlib.sha256(sub.calendar_token.encode()).hexdigest(),
            calendar_token_prefix=sub.calendar_token[:PREFIX_LENGTH],
        )


def encrypt_secrets(apps, schema_editor):
    from casetracker.crypto import encrypt

    connection = schema_editor.connection
    table = connection.ops.quote_name("campaigns_subscription")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, webhook_secret FROM {table} WHERE webhook_secret <> ''")  # noqa: S608
        for pk, secret in cursor.fetchall():
            cursor.execute(
                f"UPDATE {table} SET webhook_secret = %s WHERE id = %s",  # noqa: S608
                [encrypt(secret), pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_reminders_subscriptions_and_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="calendar_token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="subscription",
            name="calendar_token_prefix",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=8,
                verbose_name="calendar feed token prefix",
            ),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="subscription", name="calendar_token"),
        migrations.AlterField(
            model_name="subscription",
            name="calendar_token_hash",
            field=models.CharField(
                default=campaigns.models.unusable_calendar_token_hash,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="calendar feed token (SHA-256)",
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="webhook_secret",
            field=casetracker.crypto.EncryptedTextField(
                blank=True, default="", verbose_name="webhook secret"
            ),
        ),
        migrations.RunPython(encrypt_secrets, migrations.RunPython.noop),
    ]
