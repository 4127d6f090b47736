"""`manage.py run_scheduler` as a process: it enqueues due jobs and stops cleanly on a signal."""

from __future__ import annotations

import signal

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from mosaic.jobs.registry import registered_jobs
from tests.processes import MANAGE, child_env, database_url, start, stop, wait_for


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_scheduler_enqueues_due_jobs_and_stops_cleanly_on_a_signal(tmp_path, sig):
    log = tmp_path / "scheduler.log"
    env = child_env(DATABASE_URL=database_url(connection.settings_dict))
    scheduler = start([*MANAGE, "run_scheduler", "--max-sleep", "60"], env=env, log=log)
    try:
        wait_for(
            lambda: DBTaskResult.objects.count() == len(registered_jobs()),
            what="the scheduler to enqueue every job",
            log=log,
        )
    finally:
        returncode = stop(scheduler, sig=sig)
    assert returncode == 0, log.read_text()
    assert "Scheduler stopped" in log.read_text()
