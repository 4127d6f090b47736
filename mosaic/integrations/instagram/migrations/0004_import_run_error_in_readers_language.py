"""An import run's error becomes JSON, so a text written by a task (in no reader's language)
is kept as its message and values and shown in the language of whoever reads it."""

from __future__ import annotations

from django.db import migrations, models


def keep_texts(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each stored text as a JSON string, in one statement (the table may be large)."""
    as_json = (
        "to_jsonb(error)"
        if schema_editor.connection.vendor == "postgresql"
        else ("json_quote(error)")
    )
    schema_editor.execute(
        f"UPDATE instagram_import_run SET error_json = {as_json} WHERE error <> ''"
    )


def back_to_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    ImportRun = apps.get_model("instagram", "ImportRun")
    for run in ImportRun.objects.only("pk", "error_json").iterator():
        stored = run.error_json
        if isinstance(stored, dict):
            stored = str(stored.get("message", ""))
        ImportRun.objects.filter(pk=run.pk).update(error=stored or "")


class Migration(migrations.Migration):
    dependencies = [("instagram", "0003_connection_claims_and_backoff")]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="error_json",
            field=models.JSONField(blank=True, default=str),
        ),
        migrations.RunPython(keep_texts, back_to_text),
        migrations.RemoveField(model_name="importrun", name="error"),
        migrations.RenameField(model_name="importrun", old_name="error_json", new_name="error"),
    ]
