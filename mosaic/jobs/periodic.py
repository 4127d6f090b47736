"""Housekeeping jobs that every Mosaic installation runs (see docs/operations.md).

Each run deletes at most BATCHES x BATCH_SIZE rows so one run stays short; whatever is left
goes at the next run. Deleting rows that match a condition is idempotent, and two runs at once
only share the work.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Model, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mosaic.jobs.registry import periodic

BATCH_SIZE = 1000
BATCHES = 50


def delete_in_batches(
    queryset: QuerySet[Model], *, batch_size: int = BATCH_SIZE, batches: int = BATCHES
) -> int:
    """Delete the rows of `queryset`, at most `batches` x `batch_size`; return how many went."""
    deleted = 0
    for _ in range(batches):
        keys = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not keys:
            break
        count, _by_model = queryset.model._default_manager.filter(pk__in=keys).delete()
        deleted += count
        if len(keys) < batch_size:
            break
    return deleted


@periodic(name="sessions.clear_expired", every=timedelta(hours=1))
def clear_expired_sessions() -> int:
    """Delete sessions whose expiry date has passed (P13: login state is kept no longer)."""
    return delete_in_batches(Session.objects.filter(expire_date__lt=timezone.now()))


@periodic(name="tasks.prune_results", every=timedelta(hours=6))
def prune_task_results() -> int:
    """Delete database-queue task results finished over TASK_RESULT_RETENTION_DAYS days ago."""
    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    return delete_in_batches(DBTaskResult.objects.finished().filter(finished_at__lt=cutoff))
