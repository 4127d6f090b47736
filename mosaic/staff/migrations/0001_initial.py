"""Takes over operators.AuditEntry (operators 0002 renamed its table): state only, so every
entry written before the move stays; then the index gets the staff app's name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the content type (and any permission pointing at it) with the model."""
    types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not types.filter(app_label="staff", model="auditentry").exists():
        types.filter(app_label="operators", model="auditentry").update(app_label="staff")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("operators", "0002_move_auditentry_to_staff"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField()),
                        ("actor_name", models.CharField(max_length=150)),
                        ("role", models.CharField(max_length=20)),
                        ("action", models.CharField(max_length=60)),
                        ("target", models.CharField(help_text="What was touched, e.g. archive:12.", max_length=120)),
                        ("case_reference", models.CharField(blank=True, max_length=80)),
                        ("reason", models.TextField()),
                        ("delete_after", models.DateTimeField(db_index=True)),
                        ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name_plural": "audit entries",
                        "indexes": [models.Index(fields=["target", "at"], name="operators_a_target_2b5d42_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RenameIndex(
            model_name="auditentry",
            new_name="staff_audit_target_a07ec3_idx",
            old_name="operators_a_target_2b5d42_idx",
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
