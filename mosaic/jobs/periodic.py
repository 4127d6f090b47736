"""Housekeeping jobs that every Mosaic installation runs (see docs/operations.md).

Each run deletes a bounded number of rows (mosaic.lib.batches) so one run stays short;
whatever is left goes at the next run. Deleting rows that match a condition is idempotent, and
two runs at once only share the work.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mosaic.jobs.registry import periodic
from mosaic.lib.batches import delete_in_batches
from mosaic.lib.caching import cull_expired


@periodic(name="sessions.clear_expired", every=timedelta(hours=1))
def clear_expired_sessions() -> int:
    """Delete sessions whose expiry date has passed (P13: login state is kept no longer)."""
    return delete_in_batches(Session.objects.filter(expire_date__lt=timezone.now()))


@periodic(name="cache.cull_expired", every=timedelta(hours=1))
def cull_expired_cache() -> int:
    """Delete expired rows of the database cache: rate-limit counters and cached sessions
    hold addresses and account data, and Django culls them only when the cache is full (P03)."""
    return cull_expired()


@periodic(name="tasks.prune_results", every=timedelta(hours=6))
def prune_task_results() -> int:
    """Delete database-queue task results finished over TASK_RESULT_RETENTION_DAYS days ago."""
    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    return delete_in_batches(DBTaskResult.objects.finished().filter(finished_at__lt=cutoff))
