"""P26: the transparency report of a half-year is published the day after it ends."""

from __future__ import annotations

from datetime import timedelta

from mosaic.jobs.registry import periodic
from mosaic.transparency.services import publish_due


@periodic(name="transparency.publish", every=timedelta(days=1))
def publish_transparency_reports() -> int:
    """Freeze every ended half-year that has no report yet; returns how many were published."""
    return len(publish_due())
