"""A failed renewal's grace period: one reminder BILLING_GRACE_REMINDER_DAYS before it ends,
from the periodic job, once per grace period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from mosaic.billing.periodic import end_grace
from mosaic.billing.plans import PAID, plan_for
from mosaic.billing.tests.test_lifecycle import portal, upgrade

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
REMINDER = "Your paid plan ends soon"


def reminders() -> list[str]:
    return [str(message.subject) for message in mail.outbox if REMINDER in message.subject]


def fail_a_renewal(owner, commit) -> None:
    with time_machine.travel(NOW, tick=False):
        upgrade(owner, commit)
        portal(owner, commit, "fail")
    mail.outbox.clear()


def run_job(commit, at: dt.datetime) -> int:
    with time_machine.travel(at, tick=False), commit():
        return end_grace.call()


def test_the_owner_is_reminded_once_two_days_before_the_grace_period_ends(owner, commit, settings):
    settings.BILLING_GRACE_DAYS, settings.BILLING_GRACE_REMINDER_DAYS = 7, 2
    fail_a_renewal(owner, commit)
    assert run_job(commit, NOW + dt.timedelta(days=4, hours=23)) == 0
    assert reminders() == []
    assert run_job(commit, NOW + dt.timedelta(days=5, hours=1)) == 1
    assert len(reminders()) == 1
    message = mail.outbox[-1]
    assert message.to == [owner.user.email]
    assert "9 March 2026" in message.body
    assert "/billing/" in message.body
    assert run_job(commit, NOW + dt.timedelta(days=5, hours=2)) == 0
    assert run_job(commit, NOW + dt.timedelta(days=6, hours=23)) == 0
    assert len(reminders()) == 1
    with time_machine.travel(NOW + dt.timedelta(days=6), tick=False):
        assert plan_for(owner.user) == PAID  # a reminder changes nothing itself


def test_a_payment_that_goes_through_ends_the_reminders_and_a_new_failure_gets_its_own(
    owner, commit, settings
):
    settings.BILLING_GRACE_DAYS, settings.BILLING_GRACE_REMINDER_DAYS = 7, 2
    fail_a_renewal(owner, commit)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        portal(owner, commit, "renew")
    assert run_job(commit, NOW + dt.timedelta(days=5, hours=1)) == 0
    later = NOW + dt.timedelta(days=30)
    with time_machine.travel(later, tick=False):
        portal(owner, commit, "fail")
    assert run_job(commit, later + dt.timedelta(days=5, hours=1)) == 1
    assert len(reminders()) == 1


@pytest.mark.parametrize("days", [0, 7, 9])
def test_no_reminder_when_it_is_off_or_would_not_fall_inside_the_grace_period(
    owner, commit, settings, days
):
    settings.BILLING_GRACE_DAYS, settings.BILLING_GRACE_REMINDER_DAYS = 7, days
    fail_a_renewal(owner, commit)
    for hours in (1, 24 * 3, 24 * 6 + 23):
        run_job(commit, NOW + dt.timedelta(hours=hours))
    assert reminders() == []
