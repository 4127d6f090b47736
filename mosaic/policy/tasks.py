from __future__ import annotations

from django_tasks import task

from mosaic.policy.models import Notice


@task()
def send_notice_batch(*, notice_id: int) -> None:
    """P27: one batch of a notice, then the next (``policy.resume_notices`` picks up a chain
    that broke)."""
    from mosaic.policy.notices import send_batch

    notice = Notice.objects.filter(pk=notice_id, finished_at__isnull=True).first()
    if notice is None:
        return
    if send_batch(notice=notice).more:
        send_notice_batch.enqueue(notice_id=notice_id)
