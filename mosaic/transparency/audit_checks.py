"""P26: every ended half-year with a record to count has its published report."""

from __future__ import annotations

import datetime as dt

from mosaic.audit.registry import audit_check
from mosaic.transparency.models import TransparencyReport
from mosaic.transparency.services import first_record_day, half_year

#: The daily job publishes a report the day after its half-year ends; allow it two days.
GRACE = dt.timedelta(days=2)


@audit_check("P26")
def every_ended_half_year_is_published(now: dt.datetime) -> list[str]:
    first = first_record_day()
    if first is None:
        return []
    published = set(TransparencyReport.objects.values_list("period_start", flat=True))
    missing = 0
    start, end = half_year(first)
    while end <= (now - GRACE).date():
        missing += start not in published
        start, end = half_year(end)
    return (
        [f"{missing} ended half-years without a published transparency report"] if missing else []
    )
