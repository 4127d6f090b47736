"""Takes over privacy.LegalRequest (privacy 0005 renamed its table): state only, so every
request recorded before the move stays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not types.filter(app_label="legal", model="legalrequest").exists():
        types.filter(app_label="privacy", model="legalrequest").update(app_label="legal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0005_legalrequest_table_to_legal"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LegalRequest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("authority", models.CharField(max_length=200, verbose_name="authority")),
                        ("reference", models.CharField(max_length=100, verbose_name="their reference")),
                        ("received_on", models.DateField(verbose_name="received on")),
                        ("scope", models.TextField(max_length=4000, verbose_name="what it asks for")),
                        ("decision", models.CharField(choices=[("pending", "pending"), ("disclosed", "disclosed"), ("partly", "partly disclosed"), ("refused", "refused")], default="pending", max_length=10, verbose_name="decision")),
                        ("recorded_at", models.DateTimeField()),
                        ("delete_after", models.DateTimeField(db_index=True)),
                        ("recorded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
