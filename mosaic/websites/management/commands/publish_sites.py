from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mosaic.websites.models import Site
from mosaic.websites.services import request_publish

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Queue a rebuild of every published site that is online, from its published snapshot "
        "(nothing unpublished goes live). Run it once after an upgrade that changes how pages "
        "or their addresses are built (docs/operations.md); the workers do the rest."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued, last = 0, 0
        sites = Site.objects.online().filter(published__isnull=False).order_by("pk")
        while ids := list(sites.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH]):
            request_publish(site_ids=ids)
            queued, last = queued + len(ids), ids[-1]
        self.stdout.write(f"{queued} sites queued for publishing")
