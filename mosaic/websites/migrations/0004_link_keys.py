"""P31: every link button gets a random key for its click address, also in the published
snapshots (pages built before this still point at the old addresses: `manage.py publish_sites`
rebuilds them)."""

import secrets

from django.db import migrations, models

import mosaic.websites.models


def add_keys(apps, schema_editor):
    SiteLink = apps.get_model("websites", "SiteLink")
    Site = apps.get_model("websites", "Site")
    keys = {}
    for link in SiteLink.objects.all().only("pk"):
        link.key = keys[link.pk] = secrets.token_urlsafe(16)
        link.save(update_fields=["key"])
    for site in Site.objects.exclude(published=None).only("pk", "published"):
        for link in site.published.get("links", []):
            link["key"] = keys.get(link.get("id")) or secrets.token_urlsafe(16)
        site.save(update_fields=["published"])


class Migration(migrations.Migration):
    dependencies = [("websites", "0003_inactivity_delivery")]

    operations = [
        migrations.AddField(
            model_name="sitelink",
            name="key",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(add_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sitelink",
            name="key",
            field=models.CharField(
                default=mosaic.websites.models.new_link_key,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
