"""The retention sweeps run by themselves, every day (P03, P06, P08, P20 ...)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from mosaic.jobs.registry import periodic
from mosaic.privacy.sweep_runs import run_sweeps


@periodic(name="privacy.sweep", every=timedelta(minutes=10))
def run_privacy_sweeps() -> int:
    """Every retention rule that is due (daily; sooner with work left; with back-off after a
    failure), each on its own; returns the rows affected in all."""
    return sum(outcome.rows for outcome in run_sweeps())


@periodic(name="privacy.correction_reminders", every=timedelta(days=1))
def remind_of_corrections() -> int:
    """P33: email support about correction requests due within a week or overdue, once a day."""
    from mosaic.privacy.corrections import claim_reminders
    from mosaic.privacy.emails import send_correction_reminders

    with transaction.atomic():
        claimed = claim_reminders()
        if claimed:
            send_correction_reminders(request_ids=claimed)
    return len(claimed)
