"""The transparency report (P26): what legal requests, blocks and abuse reports a half-year saw.

1. ``half_year(day)`` names the period a day falls in: January to June or July to December (UTC).
2. ``figures(start, end)`` counts, from the records themselves, what the report publishes.
3. ``publish_due(now)`` freezes every ended half-year that has no report yet, from the first
   period with a record; run daily (``transparency.publish``), so the report for a half-year
   appears the day after it ends, and a report once published never changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from mosaic.legal.models import Disclosure, LegalRequest
from mosaic.moderation.models import AbuseReport, ModerationAction
from mosaic.privacy.models import AccountBlock
from mosaic.transparency.models import TransparencyReport

COMPLIED = (LegalRequest.Decision.DISCLOSED, LegalRequest.Decision.PARTLY)


def half_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year ``day`` falls in, as [start, end): end is the next period's start."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 7, 1)
    return dt.date(day.year, 7, 1), dt.date(day.year + 1, 1, 1)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _sorted_counts(counter: Counter[str]) -> list[list[Any]]:
    return [[key, count] for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def legal_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """P26: requests received in [start, end): by kind, by country, how many were complied
    with (fully or partly), refused or still pending, the accounts they named, and the
    disclosures made in the period."""
    requests = LegalRequest.objects.filter(received_on__gte=start, received_on__lt=end)
    rows = list(requests.values_list("kind", "country", "decision", "accounts_count"))
    decided = [row for row in rows if row[2] != LegalRequest.Decision.PENDING]
    complied = [row for row in rows if row[2] in COMPLIED]
    return {
        "received": len(rows),
        "by_kind": _sorted_counts(Counter(row[0] for row in rows)),
        "by_country": _sorted_counts(Counter(row[1] or "??" for row in rows)),
        "complied": len(complied),
        "refused": sum(1 for row in rows if row[2] == LegalRequest.Decision.REFUSED),
        "pending": len(rows) - len(decided),
        "complied_percent": round(100 * len(complied) / len(decided)) if decided else None,
        "accounts_named": sum(row[3] for row in rows),
        "accounts_affected": sum(row[3] for row in complied),
        "disclosures": Disclosure.objects.filter(
            at__gte=_moment(start), at__lt=_moment(end)
        ).count(),
    }


def moderation_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """P26: in [start, end): abuse reports received by reason, moderation's actions (photos
    hidden, sites and accounts blocked) by reason, appeals, and every account blocked."""
    since, until = _moment(start), _moment(end)
    reports = AbuseReport.objects.filter(created_at__gte=since, created_at__lt=until)
    actions = ModerationAction.objects.filter(decided_at__gte=since, decided_at__lt=until)
    acted = list(actions.values_list("kind", "ground", "appeal"))
    blocks = AccountBlock.objects.filter(blocked_at__gte=since, blocked_at__lt=until)
    return {
        "reports": reports.count(),
        "reports_by_ground": _sorted_counts(Counter(reports.values_list("ground", flat=True))),
        "reports_dismissed": reports.filter(status=AbuseReport.Status.DISMISSED).count(),
        "actions_by_kind": _sorted_counts(Counter(kind for kind, _g, _a in acted)),
        "actions_by_ground": _sorted_counts(Counter(ground for _k, ground, _a in acted)),
        "appeals": sum(1 for *_, appealed in acted if appealed),
        "appeals_granted": sum(
            1 for *_, appealed in acted if appealed == ModerationAction.Appeal.REVERSED
        ),
        "accounts_blocked": blocks.count(),
    }


def figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"legal": legal_figures(start, end), "moderation": moderation_figures(start, end)}


def first_record_day() -> dt.date | None:
    """The day of the earliest record the report counts; periods before it have no report."""
    moments = [
        AccountBlock.objects.aggregate(first=Min("blocked_at"))["first"],
        AbuseReport.objects.aggregate(first=Min("created_at"))["first"],
        ModerationAction.objects.aggregate(first=Min("decided_at"))["first"],
    ]
    days = [
        LegalRequest.objects.aggregate(first=Min("received_on"))["first"],
        *(moment.date() for moment in moments if moment is not None),
    ]
    known = [day for day in days if day is not None]
    return min(known) if known else None


def publish_due(now: dt.datetime | None = None) -> list[TransparencyReport]:
    """P26: publish every ended half-year without a report, oldest first; idempotent (a
    second run, or two at once, publish nothing twice)."""
    now = now or timezone.now()
    first = first_record_day()
    if first is None:
        return []
    published = []
    start, end = half_year(first)
    while end <= now.date():
        if not TransparencyReport.objects.filter(period_start=start).exists():
            try:
                with transaction.atomic():
                    published.append(
                        TransparencyReport.objects.create(
                            period_start=start,
                            period_end=end,
                            published_at=now,
                            figures=figures(start, end),
                        )
                    )
            except IntegrityError:  # another run published it first
                pass
        start, end = half_year(end)
    return published


def next_publication(now: dt.datetime | None = None) -> dt.date:
    """The day the current half-year's report appears: the day after it ends."""
    return half_year((now or timezone.now()).date())[1]
