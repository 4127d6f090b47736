"""The scheduler's work: find the periodic jobs that are due, claim each run once, enqueue it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from mosaic.jobs.models import Schedule
from mosaic.jobs.registry import PeriodicJob, registered_jobs

logger = logging.getLogger(__name__)


def ensure_schedule(*, jobs: Iterable[PeriodicJob], now: datetime) -> None:
    """Give each job a schedule row; a job seen for the first time is due at once."""
    names = {job.name for job in jobs}
    missing = names - set(Schedule.objects.filter(name__in=names).values_list("name", flat=True))
    # ignore_conflicts: another scheduler may add the same row between the read and the insert.
    rows = [Schedule(name=name, next_run_at=now) for name in sorted(missing)]
    Schedule.objects.bulk_create(rows, ignore_conflicts=True)


def claim_run(*, job: PeriodicJob, seen_next_run_at: datetime, now: datetime) -> bool:
    """Take the run due at `seen_next_run_at`; False if another scheduler already took it."""
    claimed = Schedule.objects.filter(name=job.name, next_run_at=seen_next_run_at).update(
        next_run_at=now + job.every, last_enqueued_at=now
    )
    return claimed == 1


def enqueue_due_jobs(
    *, now: datetime | None = None, jobs: Iterable[PeriodicJob] | None = None
) -> list[str]:
    """Enqueue every due job once, even with several schedulers running; return their names.

    1. Each due run is claimed with a conditional UPDATE that moves `next_run_at` forward only
       if it still holds the value this scheduler read; the scheduler that loses the race skips.
    2. The claim is committed before the task is enqueued (as `transaction.on_commit` would do),
       so a worker never runs a job whose claim could still roll back.
    3. If the queue refuses the task, the claim is given back and the next tick retries.
    The next run is counted from now, not from the missed time: after downtime a job runs once,
    not once per missed interval.
    """
    now = now or timezone.now()
    by_name = {job.name: job for job in (registered_jobs() if jobs is None else jobs)}
    ensure_schedule(jobs=by_name.values(), now=now)
    enqueued = []
    for row in Schedule.objects.filter(name__in=by_name, next_run_at__lte=now).order_by("name"):
        job = by_name[row.name]
        if not claim_run(job=job, seen_next_run_at=row.next_run_at, now=now):
            continue
        next_run_at = now + job.every
        try:
            result = job.task.enqueue()
        except Exception:
            logger.exception(
                "Could not enqueue periodic job %s; retrying at the next tick", job.name
            )
            Schedule.objects.filter(name=row.name, next_run_at=next_run_at).update(
                next_run_at=row.next_run_at, last_enqueued_at=row.last_enqueued_at
            )
            continue
        Schedule.objects.filter(name=row.name).update(last_task_id=result.id)
        enqueued.append(job.name)
    return enqueued


def time_until_next_due(
    *, now: datetime | None = None, jobs: Iterable[PeriodicJob] | None = None
) -> timedelta | None:
    """How long until the earliest job is due (zero if one is overdue); None without jobs."""
    now = now or timezone.now()
    names = [job.name for job in (registered_jobs() if jobs is None else jobs)]
    earliest = (
        Schedule.objects.filter(name__in=names)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    if earliest is None:
        return None
    return max(earliest - now, timedelta(0))
