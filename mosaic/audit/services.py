from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from mosaic.audit.models import AuditRun
from mosaic.audit.registry import checks

logger = logging.getLogger(__name__)

#: Audit runs older than this are deleted when a new run is stored.
KEEP_RUNS = dt.timedelta(days=90)


def run_audit(*, now: dt.datetime | None = None) -> AuditRun:
    """Run every registered check against the live data and store the result.

    A check that crashes counts as a breach of its promise: an audit that cannot look has not
    shown the promise kept.
    """
    now = now or timezone.now()
    results: dict[str, list[str]] = {}
    for check in checks():
        found = results.setdefault(check.promise, [])
        try:
            found.extend(check.run(now))
        except Exception as error:
            logger.exception("audit check %s failed", check.name)
            found.append(f"check {check.name} failed: {type(error).__name__}")
    run = AuditRun.objects.create(
        started_at=now,
        finished_at=timezone.now(),
        results=results,
        breached=sum(1 for found in results.values() if found),
    )
    AuditRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    return run


def report_lines(run: AuditRun) -> list[str]:
    """One line per promise id: ``P08 ok`` or ``P03 BREACH: 2 session IP addresses ...``."""
    return [
        f"{promise} BREACH: {'; '.join(found)}" if found else f"{promise} ok"
        for promise, found in sorted(run.results.items())
    ]
