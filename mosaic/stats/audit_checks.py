"""Self-audit checks for statistics (P12, P30)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings

from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.stats.models import DailySalt, DailyVisitor, Event

#: Visitor hashes and their salts live 48 hours after their day began (P12).
HASH_LIFETIME = dt.timedelta(hours=48)


def _count(count: int, what: str) -> list[str]:
    return [f"{count} {what}"] if count else []


@audit_check("P12")
def no_raw_statistics_past_their_period(now: dt.datetime) -> list[str]:
    events = Event.objects.filter(
        at__lt=now - dt.timedelta(days=settings.STATS_EVENT_DAYS) - SWEEP_GRACE
    ).count()
    oldest_day = (now - HASH_LIFETIME - SWEEP_GRACE).date()
    salts = DailySalt.objects.filter(day__lt=oldest_day).count()
    visitors = DailyVisitor.objects.filter(day__lt=oldest_day).count()
    return (
        _count(events, "raw statistics events past their period")
        + _count(salts, "visitor-hash salts past their period")
        + _count(visitors, "visitor hashes past their period")
    )


@audit_check("P30")
def no_analytics_leaves_the_service(now: dt.datetime) -> list[str]:
    """P30: no page may load a script or send a request to another host (the policy every
    Mosaic page carries): statistics are counted here and leave only as aggregates."""
    directives = settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {})
    own = urlsplit(settings.SITE_URL).netloc
    outside = sorted(
        {
            source
            for name in ("script-src", "connect-src", "default-src")
            for source in directives.get(name, [])
            if "://" in source and urlsplit(source).netloc != own
        }
    )
    return [f"pages may send data to {len(outside)} other hosts"] if outside else []
