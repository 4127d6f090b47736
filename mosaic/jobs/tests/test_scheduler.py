from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from mosaic.jobs import services
from mosaic.jobs.models import Schedule
from mosaic.jobs.registry import PeriodicJob, periodic, registered_jobs
from mosaic.jobs.tests.tasks import do_nothing

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EVERY = timedelta(hours=1)
JOB = PeriodicJob(name="test.do_nothing", every=EVERY, task=do_nothing)
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_queue(settings):
    """Enqueued jobs land in the database queue, where the tests can count them."""
    settings.TASKS = DB_BACKEND


def queued(job: PeriodicJob = JOB) -> int:
    return DBTaskResult.objects.filter(task_path=job.task.module_path).count()


def test_a_new_job_is_due_at_once_and_then_once_per_interval():
    with time_machine.travel(START, tick=False) as clock:
        assert services.enqueue_due_jobs(jobs=[JOB]) == [JOB.name]
        assert services.enqueue_due_jobs(jobs=[JOB]) == []
        clock.shift(EVERY - timedelta(seconds=1))
        assert services.enqueue_due_jobs(jobs=[JOB]) == []
        clock.shift(timedelta(seconds=1))
        assert services.enqueue_due_jobs(jobs=[JOB]) == [JOB.name]
    assert queued() == 2
    row = Schedule.objects.get(name=JOB.name)
    assert row.next_run_at == START + 2 * EVERY
    assert row.last_enqueued_at == START + EVERY
    assert DBTaskResult.objects.filter(id=row.last_task_id).exists()


def test_two_schedulers_that_read_the_same_due_run_enqueue_it_once():
    with time_machine.travel(START, tick=False):
        services.ensure_schedule(jobs=[JOB], now=START)
        seen_by_first = Schedule.objects.get(name=JOB.name).next_run_at
        seen_by_second = Schedule.objects.get(name=JOB.name).next_run_at

        assert services.claim_run(job=JOB, seen_next_run_at=seen_by_first, now=START)
        assert not services.claim_run(job=JOB, seen_next_run_at=seen_by_second, now=START)


def test_after_downtime_a_job_runs_once_not_once_per_missed_interval():
    with time_machine.travel(START, tick=False) as clock:
        services.enqueue_due_jobs(jobs=[JOB])
        clock.shift(10 * EVERY + timedelta(minutes=5))
        assert services.enqueue_due_jobs(jobs=[JOB]) == [JOB.name]
        assert services.enqueue_due_jobs(jobs=[JOB]) == []
    assert queued() == 2
    assert Schedule.objects.get(name=JOB.name).next_run_at == START + 11 * EVERY + timedelta(
        minutes=5
    )


def test_a_run_the_queue_refuses_is_given_back_and_retried(settings):
    with time_machine.travel(START, tick=False) as clock:
        # The task's queue is not one the backend serves, so django-tasks refuses to enqueue it.
        settings.TASKS = {"default": {**DB_BACKEND["default"], "QUEUES": ["elsewhere"]}}
        assert services.enqueue_due_jobs(jobs=[JOB]) == []
        given_back = Schedule.objects.get(name=JOB.name)
        assert given_back.next_run_at == START
        assert given_back.last_enqueued_at is None

        settings.TASKS = DB_BACKEND
        clock.shift(timedelta(seconds=30))
        assert services.enqueue_due_jobs(jobs=[JOB]) == [JOB.name]
    assert queued() == 1


def test_the_scheduler_sleeps_until_the_earliest_job_is_due():
    later = PeriodicJob(name="test.later", every=timedelta(hours=6), task=do_nothing)
    with time_machine.travel(START, tick=False) as clock:
        assert services.time_until_next_due(jobs=[JOB, later]) is None
        services.enqueue_due_jobs(jobs=[JOB, later])
        clock.shift(timedelta(minutes=20))
        assert services.time_until_next_due(jobs=[JOB, later]) == timedelta(minutes=40)
        clock.shift(timedelta(hours=2))
        assert services.time_until_next_due(jobs=[JOB, later]) == timedelta(0)


def test_the_housekeeping_jobs_are_registered():
    names = {job.name for job in registered_jobs()}
    assert {"sessions.clear_expired", "tasks.prune_results"} <= names
    assert all(job.description for job in registered_jobs())


def test_run_scheduler_once_enqueues_every_registered_job_that_is_due():
    with time_machine.travel(START, tick=False):
        call_command("run_scheduler", "--once")
    for job in registered_jobs():
        assert queued(job) == 1, job.name
    assert Schedule.objects.filter(next_run_at__gt=START).count() == len(registered_jobs())


def test_it_refuses_a_job_that_would_run_more_than_once_a_minute():
    with pytest.raises(ImproperlyConfigured, match="more often"):
        periodic(name="test.too_often", every=timedelta(seconds=30))


def test_it_refuses_two_jobs_with_the_same_name():
    with pytest.raises(ImproperlyConfigured, match="Two periodic jobs"):
        periodic(name="sessions.clear_expired", every=EVERY)(do_nothing.func)


def test_run_scheduler_refuses_a_maximum_sleep_under_a_second():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("run_scheduler", "--max-sleep", "0")
