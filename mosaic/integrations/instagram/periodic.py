"""Instagram tokens are refreshed well before their 60-day expiry, by themselves."""

from __future__ import annotations

from datetime import timedelta

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
