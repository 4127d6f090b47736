"""Instagram's periodic jobs: token refresh, feed syncs, and resuming paused imports."""

from __future__ import annotations

from datetime import timedelta

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.services import refresh_expiring_tokens
from mosaic.jobs.registry import periodic
from mosaic.lib.batches import time_budget

#: A run takes batches until nothing is due or this much time has gone; the next run goes on.
RUN_SECONDS = 5 * 60


@periodic(name="instagram.refresh_tokens", every=timedelta(hours=6))
def refresh_instagram_tokens() -> int:
    """Refresh tokens older than 24 h and within 10 days of expiry, in claimed batches, until
    none is due, Instagram rate-limits us or the run's time is up; returns how many. A token
    whose refresh failed waits (15 minutes, doubling up to a day) and its owner sees why."""
    refreshed = 0
    with time_budget(RUN_SECONDS) as budget:
        while True:
            report = refresh_expiring_tokens()
            refreshed += report.refreshed
            if report.rate_limited or not report.claimed or budget.over():
                break
    return refreshed


@periodic(name="instagram.sync_feeds", every=timedelta(minutes=15))
def sync_instagram_feeds() -> int:
    """Start a sync of every connection not synced for INSTAGRAM_SYNC_INTERVAL_HOURS (new posts;
    a full sync once every INSTAGRAM_FULL_SYNC_INTERVAL_HOURS), in claimed batches of 500, until
    none is due or the run's time is up; returns how many started."""
    started = 0
    with time_budget(RUN_SECONDS) as budget:
        while batch := runs.start_due_syncs():
            started += batch
            if budget.over():
                break
    return started


@periodic(name="instagram.resume_imports", every=timedelta(minutes=5))
def resume_instagram_imports() -> int:
    """Resume imports paused by a rate limit or a failure once their wait is over, and imports
    whose worker stopped; returns how many were queued."""
    return runs.resume_due()
