"""P27: a change of hands reaches every user."""

from __future__ import annotations

import datetime as dt

from mosaic.audit.registry import audit_check
from mosaic.controller.models import ControllerChange
from mosaic.policy.notices import recipients

#: Batches run through the task queue within minutes; two days is a stalled notice.
GRACE = dt.timedelta(days=2)


@audit_check("P27")
def every_user_is_told_of_a_change_of_control(now: dt.datetime) -> list[str]:
    late = ControllerChange.objects.filter(
        notice__finished_at__isnull=True, announced_at__lt=now - GRACE
    ).select_related("notice")
    return [
        f"a change of control announced {(now - change.announced_at).days} days ago has"
        f" {recipients(change.notice).count()} users still to tell"
        for change in late
    ]
