"""Personal-data category for statistics, and the sweeps that keep them anonymous (P12, P30).

What is kept: counts per site and day (per page, link, referring host and device class), the
raw events behind them for ``STATS_EVENT_DAYS``, and each day's visitor hashes with their salt
for 48 hours. No address, no cookie, no full referring URL is ever stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.lib.batches import delete_in_batches
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import delete_due, sweep
from mosaic.stats.models import DailyCount, DailySalt, DailyVisitor, Event
from mosaic.websites.models import Site

SALT_HOURS = 48


@register
class StatisticsData(Category):
    key = "statistics"
    order = 25  # before websites: its rows point at the sites
    title = _("Statistics")
    description = _(
        "Counts of views and link clicks on your sites per day, page, link, referring site"
        " (its host name only) and device class (phone, tablet, desktop). Nothing personal about"
        " your visitors: no cookies, no addresses; unique visitors are told apart within one day"
        " by a keyed hash whose daily key is destroyed after 48 hours."
    )
    purpose = _("To show you how your sites are visited.")
    legal_basis = _("Legitimate interest: aggregate, first-party statistics you asked for.")
    holdings = (
        Holding("stats.Event", ("path", "referrer_host", "visitor")),
        Holding("stats.DailyCount", ("key",)),
        Holding("stats.DailyVisitor", ("visitor",)),
    )

    def retention(self) -> Text:
        return _(
            "Daily counts: while the site exists. Individual view and click records: %(days)s"
            " days, then only the daily counts remain. Visitor hashes and the daily key that"
            " makes them: 48 hours."
        ) % {"days": settings.STATS_EVENT_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        sites = Site.objects.filter(owner=user).order_by("pk")
        rows = (
            DailyCount.objects.filter(site__owner=user)
            .values("site_id", "day", "kind", "dimension", "key")
            .annotate(total=Sum("count"))
            .order_by("site_id", "day", "kind", "dimension", "key")
        )
        by_site: dict[int, list[dict[str, Any]]] = {}
        for row in rows.iterator(chunk_size=2000):
            by_site.setdefault(row["site_id"], []).append(
                {
                    "day": row["day"].isoformat(),
                    "kind": row["kind"],
                    "dimension": row["dimension"],
                    "key": row["key"],
                    "count": row["total"],
                }
            )
        return [{"site": site.slug, "daily_counts": by_site.get(site.pk, [])} for site in sites]

    def erase(self, user: User) -> int:
        """Deleting a site also deletes its statistics (cascade); this erases them first, in
        bounded batches, so the site's own deletion stays a short transaction."""
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        ids = [user.pk for user in users]
        erased = 0
        for model in (Event, DailyVisitor, DailyCount):
            queryset = model.objects.filter(site__owner__any=ids)
            while count := delete_in_batches(queryset):
                erased += count
        return erased


exempt("stats.DailyCount", ("kind",), reason="One of page, photo, click or visitor.")
exempt("stats.DailySalt", ("salt",), reason="A random key; it describes nobody.")
exempt("stats.BufferProgress", ("segment",), reason="The name of a buffer file or Redis key.")


#: Visitor hashes and raw events are small rows nothing points at: their deletes grow to this
#: many per statement while each stays quick (``delete_in_batches``), so retention keeps pace
#: with ingest (``python -m bench stats``: prune_events_per_s beside ingest_events_per_s).
RAW_BATCH_MAX = 50_000


def salt_cutoff(now: dt.datetime) -> dt.date:
    """Days up to this one began 48 hours ago or more: their salts and hashes must go."""
    return (now - dt.timedelta(hours=SALT_HOURS)).date()


@sweep(
    name="stats.daily_salts",
    promise="P12",
    help="Destroys each day's visitor-hash salt, and that day's visitor hashes, 48 hours after "
    "the day began (P12, P30): no hash can be linked to anyone after that.",
)
def destroy_old_salts(now: dt.datetime, dry_run: bool) -> int:
    cutoff = salt_cutoff(now)
    # Salts and visitor hashes are about visitors, never about the site's owner, so no legal
    # hold on an account keeps them past 48 hours (P10 holds account data; P12 is absolute).
    salts = delete_due(DailySalt.objects.filter(day__lte=cutoff), dry_run=dry_run, user_field=None)
    hashes = delete_due(
        DailyVisitor.objects.filter(day__lte=cutoff),
        dry_run=dry_run,
        user_field=None,
        max_batch_size=RAW_BATCH_MAX,
    )
    return salts + hashes


@sweep(
    name="stats.raw_events",
    promise="P30",
    help="Deletes individual view and click records older than STATS_EVENT_DAYS days; the "
    "daily counts they were added to remain.",
)
def prune_raw_events(now: dt.datetime, dry_run: bool) -> int:
    cutoff = now - dt.timedelta(days=settings.STATS_EVENT_DAYS)
    old = Event.objects.filter(at__lt=cutoff)
    return delete_due(old, dry_run=dry_run, user_field="site__owner", max_batch_size=RAW_BATCH_MAX)
