"""The retention sweeps run by themselves, every day (P03, P06, P08, P20 ...)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mosaic.jobs.registry import periodic
from mosaic.privacy.sweeps import sweeps


@periodic(name="privacy.sweep", every=timedelta(days=1))
def run_privacy_sweeps() -> int:
    """Every registered retention rule once; returns the rows affected in all."""
    now = timezone.now()
    return sum(rule.run(now, False) for rule in sweeps())
