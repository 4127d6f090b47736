"""Holds point at mosaic.legal's LegalRequest (same table, renamed in 0005): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_legalrequest_table_to_legal"), ("legal", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="legalhold",
                    name="request",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="holds",
                        to="legal.legalrequest",
                    ),
                ),
                migrations.DeleteModel(name="LegalRequest"),
            ],
            database_operations=[],
        ),
    ]
