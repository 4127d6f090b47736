"""Personal data held by the jobs app: none (P01)."""

from __future__ import annotations

from mosaic.privacy.registry import exempt

exempt(
    "jobs.Schedule",
    None,
    reason="When each periodic job runs next: job names and task ids, about no person.",
)
