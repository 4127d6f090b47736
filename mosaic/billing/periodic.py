"""Billing's periodic job: a reminder before a grace period ends; grace periods that ran out
become downgrades."""

from __future__ import annotations

from datetime import timedelta

from mosaic.billing.services import end_grace_periods, remind_grace_periods
from mosaic.jobs.registry import periodic


@periodic(name="billing.end_grace", every=timedelta(hours=1))
def end_grace() -> int:
    """Past-due owners whose grace period ends within ``BILLING_GRACE_REMINDER_DAYS`` are
    reminded once; past-due subscriptions past their grace period move to the free plan
    (nothing deleted)."""
    return remind_grace_periods() + end_grace_periods()
