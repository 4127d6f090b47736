"""An index on the database queue's finished_at, so ``tasks.prune_results`` finds results past
their retention by range instead of reading every result (django-tasks-db has none)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS mosaic_task_result_finished"
            " ON django_tasks_database_dbtaskresult (finished_at)",
            "DROP INDEX IF EXISTS mosaic_task_result_finished",
        )
    ]
