"""What the statistics dashboard shows, read from the daily roll-ups only (fast at any size)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from mosaic.stats.models import DailyCount, Device, Kind
from mosaic.websites.models import Site, SiteLink, SitePost

PERIODS = (7, 30, 90)
TOP = 10
VIEW_KINDS = (Kind.PAGE.value, Kind.PHOTO.value)


@dataclass(frozen=True)
class Day:
    day: dt.date
    views: int
    visitors: int
    clicks: int


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    url: str = ""


@dataclass
class Report:
    site: Site
    days: int
    first: dt.date
    last: dt.date
    series: list[Day]
    views: int = 0
    photo_views: int = 0
    visitors: int = 0
    clicks: int = 0
    pages: list[Row] = field(default_factory=list)
    photos: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    referrers: list[Row] = field(default_factory=list)
    devices: list[Row] = field(default_factory=list)

    @property
    def ctr(self) -> float:
        """Link clicks per view, in percent."""
        return 100 * self.clicks / self.views if self.views else 0.0


def report(*, site: Site, days: int, today: dt.date) -> Report:
    """The last ``days`` days up to ``today``: two grouped queries over the roll-ups."""
    first = today - dt.timedelta(days=days - 1)
    rows = DailyCount.objects.filter(site=site, day__gte=first, day__lte=today)
    per_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, total in (
        rows.filter(dimension=DailyCount.Dimension.TOTAL)
        .values_list("day", "kind")
        .annotate(total=Sum("count"))
    ):
        per_day[day][kind] += total
    series = [
        Day(
            day=day,
            views=sum(per_day[day][kind] for kind in VIEW_KINDS),
            visitors=per_day[day][DailyCount.VISITOR],
            clicks=per_day[day][Kind.CLICK],
        )
        for day in (first + dt.timedelta(days=n) for n in range(days))
    ]
    result = Report(site=site, days=days, first=first, last=today, series=series)
    result.views = sum(point.views for point in series)
    result.visitors = sum(point.visitors for point in series)
    result.clicks = sum(point.clicks for point in series)
    result.photo_views = sum(per_day[day][Kind.PHOTO] for day in per_day)

    grouped: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, dimension, key, total in (
        rows.exclude(dimension=DailyCount.Dimension.TOTAL)
        .values_list("kind", "dimension", "key")
        .annotate(total=Sum("count"))
    ):
        grouped[(kind, dimension)][key] += total

    def top(*parts: tuple[str, str]) -> list[tuple[str, int]]:
        merged: dict[str, int] = defaultdict(int)
        for part in parts:
            for key, count in grouped[part].items():
                merged[key] += count
        return sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:TOP]

    path, referrer, device = "path", "referrer", "device"
    result.pages = [Row(key, n) for key, n in top((Kind.PAGE, path))]
    result.photos = [Row(key, n) for key, n in top((Kind.PHOTO, path))]
    result.referrers = [Row(key, n) for key, n in top(*((k, referrer) for k in VIEW_KINDS))]
    result.devices = [
        Row(str(Device(key).label) if key in Device.values else key, n)
        for key, n in top(*((k, device) for k in VIEW_KINDS))
    ]
    link_counts = top((Kind.CLICK, "link"))
    links = {
        str(link.pk): link
        for link in SiteLink.objects.filter(
            site=site, pk__in=[int(key) for key, _n in link_counts if key.isdigit()]
        )
    }
    # Photo links count under minus their post's id (``services.site_facts``).
    photo_links = {
        f"-{choice.post_id}": choice
        for choice in SitePost.objects.filter(
            site=site,
            post_id__in=[int(key[1:]) for key, _n in link_counts if key[1:].isdigit()],
        ).exclude(link_url="")
    }
    result.links = [
        Row(links[key].label, n, links[key].url)
        if key in links
        else Row(photo_links[key].link_label or _("Photo link"), n, photo_links[key].link_url)
        if key in photo_links
        else Row("", n)
        for key, n in link_counts
    ]
    return result
