from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mosaic.jobs import periodic
from mosaic.jobs.tests.tasks import do_nothing
from mosaic.lib.batches import delete_in_batches

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def make_session(key: str, *, expires: datetime) -> None:
    Session.objects.create(session_key=key, session_data="", expire_date=expires)


def make_result(*, finished_at: datetime | None, status: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=do_nothing.module_path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        status=status,
        finished_at=finished_at,
    )


def test_p13_expired_sessions_are_deleted_and_live_ones_kept():
    make_session("expired", expires=NOW - timedelta(seconds=1))
    make_session("live", expires=NOW + timedelta(days=1))
    with time_machine.travel(NOW, tick=False):
        assert periodic.clear_expired_sessions.call() == 1
        assert periodic.clear_expired_sessions.call() == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_a_run_deletes_a_bounded_number_of_rows_and_the_next_run_takes_the_rest():
    for number in range(7):
        make_session(f"expired-{number}", expires=NOW - timedelta(days=1))
    make_session("live", expires=NOW + timedelta(days=1))
    expired = Session.objects.filter(expire_date__lt=NOW)
    assert delete_in_batches(expired, batch_size=2, batches=2) == 4
    assert delete_in_batches(expired, batch_size=2, batches=2) == 3
    assert delete_in_batches(expired, batch_size=2, batches=2) == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_finished_task_results_are_pruned_after_the_retention_period(settings):
    settings.TASK_RESULT_RETENTION_DAYS = 14
    old = NOW - timedelta(days=14, seconds=1)
    old_success = make_result(finished_at=old, status=TaskResultStatus.SUCCESSFUL)
    old_failure = make_result(finished_at=old, status=TaskResultStatus.FAILED)
    recent = make_result(finished_at=NOW - timedelta(days=13), status=TaskResultStatus.SUCCESSFUL)
    waiting = make_result(finished_at=None, status=TaskResultStatus.READY)
    with time_machine.travel(NOW, tick=False):
        assert periodic.prune_task_results.call() == 2
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert remaining == {recent.id, waiting.id}
    assert not {old_success.id, old_failure.id} & remaining


def test_task_results_are_kept_as_long_as_the_setting_says(settings):
    settings.TASK_RESULT_RETENTION_DAYS = 30
    make_result(finished_at=timezone.now() - timedelta(days=20), status=TaskResultStatus.SUCCESSFUL)
    assert periodic.prune_task_results.call() == 0
    assert DBTaskResult.objects.count() == 1
