from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.policy.models import Notice

STALLED = timedelta(minutes=10)


@periodic(name="policy.resume_notices", every=timedelta(minutes=10))
def resume_notices() -> int:
    """P27: carry on with any notice whose chain of batches stopped (a worker died, the queue
    lost a task); returns how many notices were resumed."""
    from mosaic.policy.tasks import send_notice_batch

    cutoff = timezone.now() - STALLED
    stalled = Notice.objects.filter(finished_at__isnull=True, created_at__lte=cutoff).filter(
        Q(batch_at__isnull=True) | Q(batch_at__lte=cutoff)
    )
    ids = list(stalled.values_list("pk", flat=True)[:100])
    for notice_id in ids:
        send_notice_batch.enqueue(notice_id=notice_id)
    return len(ids)
