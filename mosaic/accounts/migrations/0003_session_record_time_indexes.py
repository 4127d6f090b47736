"""Indexes on allauth's session records for the P03 sweeps: records unseen for a session's
lifetime (ended sessions) and records past the IP-keeping period are found by range, not by
reading every record. allauth's model has none, so they are added here by name."""

from django.db import migrations

INDEXES = {
    "mosaic_usersession_last_seen": "last_seen_at",
    "mosaic_usersession_created": "created_at",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_scheduled_deletion"),
        ("usersessions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON usersessions_usersession ({column})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, column in INDEXES.items()
    ]
