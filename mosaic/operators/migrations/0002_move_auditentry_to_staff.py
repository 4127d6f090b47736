"""The action log moves to the staff core (mosaic.staff): the table is renamed and its rows
kept; mosaic.staff's first migration takes the model over in Django's state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("operators", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="auditentry", table="staff_auditentry"),
            ],
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
        ),
    ]
