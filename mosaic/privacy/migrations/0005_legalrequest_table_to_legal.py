"""Legal requests move to their own core app (mosaic.legal): the table is renamed and its rows
kept; legal's first migration takes the model over in Django's state, then 0006 points the
holds at it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_sweep_state")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="legalrequest", table="legal_legalrequest"),
            ],
            state_operations=[],
        ),
    ]
