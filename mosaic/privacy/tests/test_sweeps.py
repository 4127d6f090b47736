from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.core.management import call_command

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)


def run_sweeps(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("privacy_sweep", *args, stdout=out)
    return out.getvalue()


def test_p03_session_ips_are_cut_to_their_network_after_thirty_days(owner, settings):
    settings.SESSION_COOKIE_AGE = 90 * 86400  # a long session, so the record outlives 30 days
    with time_machine.travel(START, tick=False):
        owner.sign_in(REMOTE_ADDR="203.0.113.77")
        owner.sign_in(REMOTE_ADDR="2001:db8:1:2:3:4:5:6")

    with time_machine.travel(START + dt.timedelta(days=29), tick=False):
        run_sweeps()
    assert set(UserSession.objects.values_list("ip", flat=True)) == {
        "203.0.113.77",
        "2001:db8:1:2:3:4:5:6",
    }

    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        preview = run_sweeps("--dry-run")
        assert "P03 security-log-ips: would affect 2" in preview
        assert UserSession.objects.filter(ip="203.0.113.77").exists()
        run_sweeps()
        assert "security-log-ips: affected 0" in run_sweeps()  # idempotent
    assert set(UserSession.objects.values_list("ip", flat=True)) == {"203.0.0.0", "2001:db8:1:2::"}


def test_p03_records_of_ended_sessions_are_deleted(owner, other_owner):
    with time_machine.travel(START, tick=False):
        owner.sign_in(REMOTE_ADDR="203.0.113.77")
    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        other_owner.sign_in(REMOTE_ADDR="198.51.100.1")

    with time_machine.travel(START + dt.timedelta(days=15), tick=False):
        output = run_sweeps()

    assert "P03 ended-sessions: affected 1" in output
    assert list(UserSession.objects.values_list("user__username", flat=True)) == ["oscar"]


def test_p03_the_sweeps_run_daily_by_themselves(owner, settings):
    from mosaic.jobs.registry import registered_jobs
    from mosaic.privacy.sweep_runs import EVERY

    [job] = [job for job in registered_jobs() if job.name == "privacy.sweep"]
    assert job.every <= dt.timedelta(minutes=10)  # it looks often; each rule is due daily
    assert dt.timedelta(days=1) == EVERY
    settings.SESSION_COOKIE_AGE = 90 * 86400
    with time_machine.travel(START, tick=False):
        owner.sign_in(REMOTE_ADDR="203.0.113.77")

    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        job.task.call()

    assert list(UserSession.objects.values_list("ip", flat=True)) == ["203.0.0.0"]
