"""Declarations for framework tables that no single Mosaic app owns."""

from __future__ import annotations

import datetime as dt

from mosaic.accounts.models import User
from mosaic.privacy.registry import exempt
from mosaic.privacy.services import erase_account
from mosaic.privacy.sweeps import BATCH_SIZE, sweep

exempt(
    "django_tasks_database.DBTaskResult",
    None,
    reason=(
        "The task queue: tasks take database ids, never personal values, and finished rows"
        " are pruned by a periodic job."
    ),
)


@sweep(
    name="quarantine-ended",
    promise="P08",
    help=(
        "Erases every account whose deletion was requested more than PRIVACY_QUARANTINE_DAYS"
        " ago (the date fixed at the request), category by category, the account row last."
    ),
)
def erase_accounts_after_quarantine(now: dt.datetime, dry_run: bool) -> int:
    """P08: after the quarantine, personal data is deleted or anonymised."""
    due = User.objects.filter(scheduled_deletion_at__lte=now).order_by("pk")
    if dry_run:
        return due.count()
    erased = 0
    while batch := list(due[:BATCH_SIZE]):
        for user in batch:
            erase_account(user=user)
        erased += len(batch)
    return erased
