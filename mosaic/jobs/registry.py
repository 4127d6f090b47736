"""The registry of periodic jobs: what runs on a schedule, and how often.

A periodic job is a django-tasks task with a name and an interval. `run_scheduler` enqueues each
job when it is due; a worker runs it. Jobs must be idempotent and do a bounded amount of work per
run: a run may be repeated (a retry, two overlapping runs) or cut short, and the next run picks up
whatever is left. That is also the retry policy: a failed run is not retried on its own, the
next run is the retry, so a job's interval bounds how long a failure can delay its work.

Apps register jobs in a `periodic` module, which `JobsConfig.ready()` imports::

    @periodic(name="sessions.clear_expired", every=timedelta(hours=1))
    def clear_expired_sessions() -> int: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django_tasks import task
from django_tasks.base import Task

MIN_INTERVAL = timedelta(minutes=1)
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: Task[[], Any]

    @property
    def description(self) -> str:
        doc = (self.task.func.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


_registry: dict[str, PeriodicJob] = {}


def periodic(*, name: str, every: timedelta) -> Callable[[Callable[[], Any]], Task[[], Any]]:
    """Make a module-level function with no arguments a task that runs every `every`."""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ImproperlyConfigured(f"A periodic job needs a name of 1-{MAX_NAME_LENGTH} characters")
    if every < MIN_INTERVAL:
        raise ImproperlyConfigured(
            f"Periodic job {name!r} runs more often than every {MIN_INTERVAL}"
        )

    def register(function: Callable[[], Any]) -> Task[[], Any]:
        if name in _registry:
            raise ImproperlyConfigured(f"Two periodic jobs are named {name!r}")
        job_task = task(function)
        _registry[name] = PeriodicJob(name=name, every=every, task=job_task)
        return job_task

    return register


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)
