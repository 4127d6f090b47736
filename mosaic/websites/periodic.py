"""Website jobs: keep published pages right when a scheduled link starts or ends."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.websites.services import republish_due_links


@periodic(name="websites.scheduled_links", every=timedelta(minutes=1))
def republish_scheduled_links() -> int:
    """Republish each site whose scheduled link started or ended since its last build (every
    minute, so a page is at most a minute late; bounded per run)."""
    return republish_due_links(now=timezone.now())
