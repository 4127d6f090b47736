"""Photo upkeep that runs by itself: retry stragglers, drop originals nobody uses (P05)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.lib.batches import each_in_batches
from mosaic.photos.models import Original
from mosaic.photos.orphans import GRACE
from mosaic.photos.services import delete_original, enqueue_processing


def _delete_if_unused(original: Original) -> None:
    with transaction.atomic():
        locked = Original.objects.select_for_update().filter(pk=original.pk).first()
        if locked is not None and not locked.photos.exists():
            delete_original(original=locked)


def _retry(original: Original) -> None:
    enqueue_processing(original.pk)


@periodic(name="photos.upkeep", every=timedelta(hours=1))
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
    unused = Original.objects.filter(photos__isnull=True, created_at__lt=cutoff)
    return handled + each_in_batches(unused, _delete_if_unused, batches=5)
