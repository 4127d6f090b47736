"""Custom domains' periodic job: pending domains are checked again until their DNS is right."""

from __future__ import annotations

from datetime import timedelta

from mosaic.domains.services import check_pending
from mosaic.jobs.registry import periodic


@periodic(name="domains.check_pending", every=timedelta(minutes=10))
def check_pending_domains() -> int:
    """Ask the DNS again for domains added in the last week and not verified yet (bounded)."""
    return check_pending()
