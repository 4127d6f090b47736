"""Photo upkeep that runs by itself: retry stragglers, drop originals nobody uses (P05)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.lib.batches import BATCH_SIZE, each_in_batches
from mosaic.photos.models import Original, Photo
from mosaic.photos.orphans import GRACE
from mosaic.photos.services import delete_original, enqueue_processing


def _delete_if_unused(original: Original) -> None:
    with transaction.atomic():
        locked = Original.objects.select_for_update().filter(pk=original.pk).first()
        if locked is not None and not locked.photos.exists():
            delete_original(original=locked)


def _retry(original: Original) -> None:
    enqueue_processing(original.pk)


@periodic(name="photos.upkeep", every=timedelta(minutes=10))
def photos_upkeep() -> int:
    """Re-enqueue originals still pending after the grace period (a lost task, a storage error)
    and delete originals no photo uses any more, files included. Bounded per run.

    The full storage walk for stray files (``manage.py photos_orphans``) reads every name in
    storage, so it stays an operator command rather than a periodic job.
    """
    cutoff = timezone.now() - GRACE
    stale = Original.objects.filter(status=Original.Status.PENDING, created_at__lt=cutoff)
    handled = each_in_batches(
        stale.only("pk"), lambda original: enqueue_processing(original.pk), batches=5
    )
    return handled + _delete_unused_in_window(cutoff)


#: Originals looked at per run for a photo that still uses them, in primary-key order from
#: where the last run stopped: each run costs the same however many originals there are, and a
#: million are all looked at within a day of runs every ten minutes.
UNUSED_WINDOW = 10_000
_CURSOR = "photos.upkeep.unused-cursor"


def _delete_unused_in_window(cutoff: datetime) -> int:
    start = int(cache.get(_CURSOR, 0))
    end = start + UNUSED_WINDOW
    # The subquery bounded to the window too: otherwise PostgreSQL may merge with the photos'
    # original index from its start, a scan that grows with the cursor (25 ms at the start of a
    # million originals, 250 ms at their end; bounded: 10 ms anywhere).
    used = Photo.objects.filter(
        original=OuterRef("pk"), original_id__gt=start, original_id__lte=end
    )
    unused = Original.objects.filter(pk__gt=start, pk__lte=end, created_at__lt=cutoff).filter(
        ~Exists(used)
    )
    deleted = each_in_batches(unused, _delete_if_unused, batches=5)
    if deleted < 5 * BATCH_SIZE:  # the window is done: the next run takes the next one
        highest = Original.objects.aggregate(highest=Max("pk"))["highest"] or 0
        cache.set(_CURSOR, end if end < highest else 0, None)
    return deleted
