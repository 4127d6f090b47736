"""Billing's periodic job: grace periods that ran out become downgrades."""

from __future__ import annotations

from datetime import timedelta

from mosaic.billing.services import end_grace_periods
from mosaic.jobs.registry import periodic


@periodic(name="billing.end_grace", every=timedelta(hours=1))
def end_grace() -> int:
    """Past-due subscriptions past their grace period move to the free plan (nothing deleted)."""
    return end_grace_periods()
