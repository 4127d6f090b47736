"""Statistics jobs: flush the buffer every minute; destroy salts and prune events hourly."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.stats.models import BufferProgress
from mosaic.stats.privacy import destroy_old_salts, prune_raw_events
from mosaic.stats.services import flush


@periodic(name="stats.flush", every=timedelta(minutes=1))
def flush_buffer() -> int:
    """Write buffered views and clicks into events and daily counts (bounded per run)."""
    return flush()


@periodic(name="stats.upkeep", every=timedelta(hours=1))
def upkeep() -> int:
    """Destroy visitor-hash salts 48 hours after their day began (P12), prune old raw events,
    and forget the progress of buffer segments finished long ago."""
    now = timezone.now()
    stale = BufferProgress.objects.filter(updated_at__lt=now - timedelta(days=7))
    return destroy_old_salts(now, False) + prune_raw_events(now, False) + stale.delete()[0]
