"""Self-audit checks for websites (see ``mosaic.audit.registry``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.websites.inactivity import with_deadline
from mosaic.websites.models import Site


@audit_check("P06")
def no_inactive_site_past_its_deadline(now: dt.datetime) -> list[str]:
    """P06: no site outlives its inactivity deadline by more than the warnings' own delay.

    A sweep that warns late holds deletion until the last warning has had its full lead time,
    one warning per daily run; beyond that, and a grace for the daily schedule, it is a breach.
    """
    leads = settings.WEBSITES_INACTIVE_WARNING_DAYS
    slack = SWEEP_GRACE + dt.timedelta(days=min(leads) + len(leads))
    sites = with_deadline(
        Site.objects.filter(owner__scheduled_deletion_at__isnull=True, deleted_at__isnull=True)
    )
    late = sites.filter(deletion_deadline__lt=now - slack).count()  # type: ignore[misc]
    return [f"{late} inactive sites past their deletion date"] if late else []
