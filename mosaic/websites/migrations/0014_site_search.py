from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("websites", "0013_scheduled_and_photo_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="site",
            name="search",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
