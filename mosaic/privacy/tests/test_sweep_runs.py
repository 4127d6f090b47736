"""Retention rules run each on their own: one that fails (or whose worker is killed mid-run) is
retried with back-off and shown to operators and in the self-audit, while every other rule runs,
and nothing is deleted before its time or left half-erased (P08, P10, P20, P23)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import signal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import User
from mosaic.consent.models import Consent
from mosaic.lib.batches import delete_in_batches, time_budget
from mosaic.lib.sealing import new_key_pair
from mosaic.privacy.models import DataExport, SealedArchive, SweepState
from mosaic.privacy.privacy import ERASE_BATCH
from mosaic.privacy.sweep_runs import CLAIM, RETRY, run_sweeps
from tests.processes import MANAGE, sharing_env, start, wait_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def plant(settings) -> dict[str, User]:
    """Data each of three rules takes at NOW, and an account whose time has not come."""
    with time_machine.travel(NOW - 400 * DAY, tick=False):
        gone = make_user("gone")
        waiting = make_user("waiting")
    User.objects.filter(pk=gone.pk).update(scheduled_deletion_at=NOW - DAY)  # P08: due
    User.objects.filter(pk=waiting.pk).update(scheduled_deletion_at=NOW + DAY)  # not yet
    keeper = make_user("keeper")
    DataExport.objects.create(user=keeper, requested_at=NOW - 30 * DAY, expires_at=NOW - DAY)
    Consent.objects.create(
        user=keeper,
        purpose="promotional_email",
        given_at=NOW - 2000 * DAY,
        withdrawn_at=NOW - (settings.PRIVACY_CONSENT_PROOF_DAYS + 1) * DAY,
    )
    return {"gone": gone, "waiting": waiting, "keeper": keeper}


def audit(at: dt.datetime) -> str:
    out = io.StringIO()
    with time_machine.travel(at, tick=False), contextlib.suppress(CommandError):
        call_command("privacy_audit", stdout=out)  # raises on a breach: the lines say which
    return out.getvalue()


def test_p08_a_failing_rule_is_retried_with_back_off_while_every_other_rule_runs(settings):
    people = plant(settings)
    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = "not a key"  # sealing (P09) fails: so does erasure

    with time_machine.travel(NOW, tick=False):
        outcomes = {outcome.rule.name: outcome for outcome in run_sweeps()}

    assert outcomes["quarantine-ended"].error == "SealError"
    assert not any(o.error for name, o in outcomes.items() if name != "quarantine-ended")
    assert not DataExport.objects.exists(), "P20 ran"
    assert not Consent.objects.exists(), "P23 ran"
    gone = people["gone"]
    assert User.objects.filter(pk=gone.pk).exists()
    assert EmailAddress.objects.filter(user=gone).exists(), "nothing half-erased"
    assert not SealedArchive.objects.exists()
    state = SweepState.objects.get(name="quarantine-ended")
    assert (state.failures, state.next_run_at) == (1, NOW + RETRY[0])
    assert (
        "P08 BREACH: retention sweep quarantine-ended failing (1 attempts in a row, SealError)"
        in audit(NOW)
    )

    with time_machine.travel(NOW + RETRY[0] - dt.timedelta(seconds=1), tick=False):
        assert all(outcome.skipped for outcome in run_sweeps()), "not before its retry"
    with time_machine.travel(NOW + RETRY[0], tick=False):
        run_sweeps()
    assert SweepState.objects.get(name="quarantine-ended").failures == 2  # still broken
    assert SweepState.objects.get(name="quarantine-ended").next_run_at == NOW + RETRY[0] + RETRY[1]

    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = new_key_pair()[1]  # mended
    later = NOW + RETRY[0] + RETRY[1]
    with time_machine.travel(later, tick=False):
        outcomes = {outcome.rule.name: outcome for outcome in run_sweeps()}
    assert outcomes["quarantine-ended"].rows == 1
    assert not User.objects.filter(pk=gone.pk).exists()
    assert SealedArchive.objects.count() == 1
    assert User.objects.filter(pk=people["waiting"].pk).exists(), "nothing deleted early"
    assert "P08 ok" in audit(later)
    state = SweepState.objects.get(name="quarantine-ended")
    assert (state.failures, state.last_error) == (0, "")


def test_p08_the_operators_see_a_failing_rule(settings, make_operator):
    plant(settings)
    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = "not a key"
    with time_machine.travel(NOW, tick=False):
        run_sweeps()
    page = make_operator("support").client.get("/operators/audit/")

    assert "Retention sweeps failing now" in page.text
    assert "quarantine-ended" in page.text
    assert "1 failed attempt (SealError)" in page.text


def test_the_command_reports_a_failed_rule_and_runs_the_others(settings):
    plant(settings)
    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = "not a key"
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="quarantine"):
        call_command("privacy_sweep", stdout=out)
    assert "P08 quarantine-ended: FAILED (SealError)" in out.getvalue()
    assert "P20 expired-exports: affected 1" in out.getvalue()


def test_a_time_budget_stops_taking_batches_and_says_work_is_left():
    for number in range(5):
        make_user(f"user{number}")
    with time_budget(0) as budget:
        delete_in_batches(User.objects.all(), batch_size=2)
    assert budget.exhausted
    assert User.objects.count() == 3  # one batch, then the time was up
    with time_budget(60) as budget:
        delete_in_batches(User.objects.all(), batch_size=2)
    assert not budget.exhausted
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_p08_a_sweep_killed_mid_run_leaves_no_account_half_erased_and_the_next_run_ends_it(
    settings, tmp_path
):
    """SIGKILL the process while it erases two batches of accounts: each batch is one
    transaction, so every account is either gone (and sealed) or whole; after the claim the
    next run takes the rest, and the account not yet due stays."""
    settings.PRIVACY_ARCHIVE_PUBLIC_KEY = new_key_pair()[1]
    accounts = 2 * ERASE_BATCH
    password = make_password(None)
    now = timezone.now()
    User.objects.bulk_create(
        User(
            username=f"gone{number}",
            email=f"gone{number}@example.com",
            password=password,
            scheduled_deletion_at=now - DAY,
        )
        for number in range(accounts)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=pk, email=email, verified=True, primary=True)
        for pk, email in User.objects.values_list("pk", "email")
    )
    waiting = make_user("waiting")
    User.objects.filter(pk=waiting.pk).update(scheduled_deletion_at=now + DAY)
    env = sharing_env(
        connection.settings_dict,
        PRIVACY_ARCHIVE_PUBLIC_KEY=settings.PRIVACY_ARCHIVE_PUBLIC_KEY,
    )
    log = tmp_path / "sweep.log"
    sweep = start([*MANAGE, "privacy_sweep"], env=env, log=log)
    try:
        wait_for(lambda: SealedArchive.objects.exists(), what="the first erased batch", log=log)
    finally:
        os.killpg(sweep.pid, signal.SIGKILL)
        sweep.wait(timeout=30)

    left = User.objects.filter(username__startswith="gone").count()
    assert 0 < left < accounts, "killed mid-run"
    assert SealedArchive.objects.count() == accounts - left, "every erased account sealed, no other"
    assert EmailAddress.objects.filter(user__username__startswith="gone").count() == left
    assert SweepState.objects.get(name="quarantine-ended").next_run_at > timezone.now()

    with time_machine.travel(timezone.now() + CLAIM, tick=True):
        run_sweeps()
    assert not User.objects.filter(username__startswith="gone").exists()
    assert SealedArchive.objects.count() == accounts
    assert User.objects.filter(pk=waiting.pk).exists(), "nothing deleted early"
