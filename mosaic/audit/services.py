from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from mosaic.audit import rolling
from mosaic.audit.models import AuditRun
from mosaic.audit.promises import PROMISES
from mosaic.audit.registry import checks

logger = logging.getLogger(__name__)

#: An applicable promise no check looks at has not been shown kept.
NO_CHECK = "no check looks at it: add one (mosaic.audit.registry.audit_check)"

#: Audit runs older than this are deleted when a new run is stored.
KEEP_RUNS = dt.timedelta(days=90)


def run_audit(*, now: dt.datetime | None = None) -> AuditRun:
    """Run every registered check against the live data and store the result.

    A check that crashes counts as a breach of its promise: an audit that cannot look has not
    shown the promise kept.
    """
    now = now or timezone.now()
    results: dict[str, list[str]] = {
        promise.id: [] if any(check.promise == promise.id for check in checks()) else [NO_CHECK]
        for promise in PROMISES
        if promise.applicable
    }
    with rolling.one_write():  # the rolling checks' cursors move once, at the end
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
    """One line per promise P01-P34 (``mosaic.audit.promises``): ``P08 ok: <what was
    checked>``, ``P03 BREACH: 2 session IP addresses ...`` or ``P24 not applicable: <why>``; then
    any other id a check named."""
    lines = []
    for promise in PROMISES:
        found = run.results.get(promise.id)
        if found is None:
            lines.append(f"{promise.id} not applicable: {promise.absent}")
        elif found:
            lines.append(f"{promise.id} BREACH: {'; '.join(found)}")
        else:
            lines.append(f"{promise.id} ok: {promise.checked}")
    known = {promise.id for promise in PROMISES}
    for other, found in sorted(run.results.items()):
        if other not in known:
            lines.append(f"{other} BREACH: {'; '.join(found)}" if found else f"{other} ok")
    return lines
