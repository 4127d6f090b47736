"""Instagram's periodic jobs: token refresh, feed syncs, and resuming paused imports."""

from __future__ import annotations

from datetime import timedelta

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.services import refresh_expiring_tokens
from mosaic.jobs.registry import periodic

BATCHES = 50


@periodic(name="instagram.refresh_tokens", every=timedelta(hours=6))
def refresh_instagram_tokens() -> int:
    """Refresh tokens older than 24 h and within 10 days of expiry; returns how many.

    Works through up to BATCHES batches per run and stops early when nothing is left or
    Instagram rate-limits us; the next run carries on.
    """
    refreshed = 0
    for _ in range(BATCHES):
        report = refresh_expiring_tokens()
        refreshed += report.refreshed
        handled = report.refreshed + report.broken + report.failed
        if report.rate_limited or handled == 0:
            break
    return refreshed


@periodic(name="instagram.sync_feeds", every=timedelta(minutes=15))
def sync_instagram_feeds() -> int:
    """Start a sync of every connection not synced for INSTAGRAM_SYNC_INTERVAL_HOURS (new posts;
    a full sync once every INSTAGRAM_FULL_SYNC_INTERVAL_HOURS); returns how many started."""
    return runs.start_due_syncs()


@periodic(name="instagram.resume_imports", every=timedelta(minutes=5))
def resume_instagram_imports() -> int:
    """Resume imports paused by a rate limit or a failure once their wait is over, and imports
    whose worker stopped; returns how many were queued."""
    return runs.resume_due()
