from __future__ import annotations

import logging

from django_tasks import task

from mosaic.consent.mailing import retry_later
from mosaic.policy.models import Notice

logger = logging.getLogger(__name__)


@task()
def send_notice_batch(*, notice_id: int, attempt: int = 0) -> None:
    """P27: one batch of a notice, then the next; a batch with failures retries with back-off."""
    from mosaic.policy.notices import send_batch

    notice = Notice.objects.filter(pk=notice_id, finished_at__isnull=True).first()
    if notice is None:
        return
    result = send_batch(notice=notice)
    if result.failed:
        if not retry_later(send_notice_batch, attempt=attempt, notice_id=notice_id):
            logger.warning(
                "notice %s: %s sends failed, giving up until rerun", notice_id, result.failed
            )
    elif result.more:
        send_notice_batch.enqueue(notice_id=notice_id)
