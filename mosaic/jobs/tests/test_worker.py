"""A task enqueued from a request runs in a real worker process, on each task backend."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks import task_backends

from mosaic.accounts.models import User
from tests.processes import (
    MANAGE,
    child_env,
    database_url,
    redis_url,
    require_redis,
    start,
    stop,
    wait_for,
)

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_BACKEND = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def run_task_through_worker(client, tmp_path, env: dict[str, str]) -> None:
    username = f"worker-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    worker = start([*MANAGE, "run_worker", "-v", "2"], env=env, log=log)
    try:
        response = client.post(f"/enqueue/{username}/")
        assert response.status_code == 202
        wait_for(
            lambda: User.objects.filter(username=username).exists(),
            what=f"the worker to create {username}",
            log=log,
        )
    finally:
        stop(worker)
    # The worker's own log shows it ran the task (an in-process run would not appear there).
    assert "create_marker_user" in log.read_text(errors="replace")


@pytest.mark.urls("mosaic.jobs.tests.urls")
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_from_a_request_runs_in_a_database_worker(client, settings, tmp_path):
    settings.TASKS = DB_BACKEND
    env = child_env(DATABASE_URL=database_url(connection.settings_dict))
    run_task_through_worker(client, tmp_path, env)


@pytest.mark.urls("mosaic.jobs.tests.urls")
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_from_a_request_runs_in_an_rq_worker(client, settings, tmp_path):
    url = redis_url()
    require_redis(url)
    settings.TASKS = RQ_BACKEND
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    env = child_env(DATABASE_URL=database_url(connection.settings_dict), REDIS_URL=url)
    run_task_through_worker(client, tmp_path, env)
    assert type(task_backends["default"]).__name__ == "RQBackend"


def test_run_worker_refuses_a_backend_that_has_no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(CommandError, match="ImmediateBackend"):
        call_command("run_worker")
