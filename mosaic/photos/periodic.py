"""Photo upkeep that runs by itself: retry stragglers, drop photos and originals nobody uses (P05,
P07)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.lib.batches import BATCH_SIZE, each_in_batches, rows_in_batches
from mosaic.photos.models import Original, Photo
from mosaic.photos.orphans import GRACE
from mosaic.photos.services import delete_original, enqueue_processing, release_photos


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
    and delete photos nothing refers to any more (P07: an avatar let go of and missed), then
    originals no photo uses, files included. Bounded per run.

    The full storage walk for stray files (``manage.py photos_orphans``) reads every name in
    storage, so it stays an operator command rather than a periodic job.
    """
    cutoff = timezone.now() - GRACE
    stale = Original.objects.filter(status=Original.Status.PENDING, created_at__lt=cutoff)
    handled = each_in_batches(
        stale.only("pk"), lambda original: enqueue_processing(original.pk), batches=5
    )
    released = _release_unreferenced_in_window(cutoff)  # before: their originals go next
    return handled + released + _delete_unused_in_window(cutoff)


#: Rows looked at per run (originals for a photo that still uses them, photos for anything that
#: still names them), in primary-key order from where the last run stopped: each run costs the
#: same however many there are, and a million are all looked at within a day of runs every ten
#: minutes.
UNUSED_WINDOW = 10_000
_CURSOR = "photos.upkeep.unused-cursor"
_PHOTOS_CURSOR = "photos.upkeep.unreferenced-cursor"


def _in_window(
    cursor: str, model: type[Original] | type[Photo], work: Callable[[int, int], int]
) -> int:
    """``work(start, end)`` on the next window of ``model``'s keys, ``(start, end]``; the next
    run takes the next window once this one is done (fewer than five batches handled)."""
    start = int(cache.get(cursor, 0))
    end = start + UNUSED_WINDOW
    handled = work(start, end)
    if handled < 5 * BATCH_SIZE:
        highest = model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        cache.set(cursor, end if end < highest else 0, None)
    return handled


def _delete_unused_in_window(cutoff: datetime) -> int:
    def work(start: int, end: int) -> int:
        # The subquery bounded to the window too: otherwise PostgreSQL may merge with the
        # photos' original index from its start, a scan that grows with the cursor (25 ms at
        # the start of a million originals, 250 ms at their end; bounded: 10 ms anywhere).
        used = Photo.objects.filter(
            original=OuterRef("pk"), original_id__gt=start, original_id__lte=end
        )
        unused = Original.objects.filter(pk__gt=start, pk__lte=end, created_at__lt=cutoff).filter(
            ~Exists(used)
        )
        return each_in_batches(unused, _delete_if_unused, batches=5)

    return _in_window(_CURSOR, Original, work)


def _release_unreferenced_in_window(cutoff: datetime) -> int:
    """P05, P07, P08: photos nothing names any more (no post, no profile, no site's draft or
    published snapshot; ``PhotoQuerySet.unreferenced``) go through the one rule that deletes
    them, ``release_photos``. Every path that lets go of a photo releases it at once (a
    replaced, removed or published-over site avatar, an erased site); this catches what one
    missed: a crash between its commit and the release, or data from before the rule."""

    def work(start: int, end: int) -> int:
        leftovers = Photo.objects.filter(
            pk__gt=start, pk__lte=end, created_at__lt=cutoff
        ).unreferenced()
        return rows_in_batches(
            leftovers.only("pk"),
            lambda photos: release_photos(photo_ids=[photo.pk for photo in photos]),
            batches=5,
        )

    return _in_window(_PHOTOS_CURSOR, Photo, work)
