"""Counting views and clicks, and flushing the buffer into events and daily roll-ups.

The web side (``count``, called by ``endpoints``) decides whether a request may be counted
(``visitors.refusal``), turns it into one small JSON line (no address, only the day's visitor
hash) and appends it to the buffer. ``flush`` moves buffered lines into the database in
batches; each batch writes its raw events, adds to the daily roll-ups, and moves the segment's
stored position forward, all in one transaction (see ``buffer``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http.cookie import parse_cookie
from django.utils import timezone

from mosaic.stats import visitors
from mosaic.stats.buffer import Segment, get_buffer
from mosaic.stats.models import BufferProgress, DailyCount, Event, Kind
from mosaic.websites.models import Site
from mosaic.websites.publishing import page_exists

logger = logging.getLogger(__name__)

MAX_PATH = 300
FLUSH_BATCH = 2000
FLUSH_BATCHES = 250  # a periodic run writes at most 500,000 events; the next run takes the rest
TOTAL, PATH, LINK, REFERRER, DEVICE = (choice.value for choice in DailyCount.Dimension)


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """What counting needs to know of a site: its owner, whether it may be seen and by whom,
    its current build, and the links its published page has (by key: id and URL)."""

    owner_id: int
    slug: str
    build: str
    private: bool
    offline: bool
    published: bool
    links: dict[str, tuple[int, str]]

    def counts_page(self, path: str) -> bool:
        """P12, P31: only views of a page that exists in the site's published build, of a site
        anyone may see (a private site's only visitor is its owner, who is never counted)."""
        if self.offline or self.private or not self.published:
            return False
        return page_exists(self.slug, self.build, path)


_sites: dict[int, tuple[SiteFacts | None, float]] = {}


def site_facts(site_id: int, *, fresh: bool = False) -> SiteFacts | None:
    """What counting needs of the site, or None when there is no such site.

    Remembered for ``STATS_SITE_CACHE_SECONDS`` in this process (``fresh`` reads the database
    anyway): a beacon comes with every page view, and a query each time would cost more than
    the rest of the request. Clicks always read it fresh: they reveal where a link leads, so
    a site just made private or deleted must stop answering at once (P31, P08).
    """
    now = time.monotonic()
    known = _sites.get(site_id)
    if known is not None and known[1] > now and not fresh:
        return known[0]
    site = (
        Site.objects.select_related("owner")
        .only(
            "owner_id", "slug", "published_build", "visibility", "deleted_at", "published",
            "blocked_at", "owner__scheduled_deletion_at", "owner__is_active",
        )
        .filter(pk=site_id)
        .first()
    )  # fmt: skip
    facts = None
    if site is not None:
        links = (site.published or {}).get("links", [])
        facts = SiteFacts(
            owner_id=site.owner_id,
            slug=site.slug,
            build=site.published_build,
            private=site.is_private,
            offline=site.is_offline(),
            published=site.published is not None,
            links={
                str(link["key"]): (int(link["id"]), str(link["url"]))
                for link in links
                if link.get("key")
            }
            | {
                # A photo's link counts under minus its post's id (a link button's is its id).
                str(link["key"]): (-int(post_id), str(link["url"]))
                for post_id, link in (site.published or {}).get("post_links", {}).items()
                if link.get("key")
            },
        )
    if len(_sites) > 50_000:  # bounded: junk ids cannot grow it without end
        _sites.clear()
    _sites[site_id] = (facts, now + settings.STATS_SITE_CACHE_SECONDS)
    return facts


def forget_sites() -> None:
    _sites.clear()


def count(
    environ: Mapping[str, Any],
    *,
    site_id: int,
    owner_id: int,
    kind: str,
    path: str = "",
    link: int | None = None,
    referrer: str = "",
) -> bool:
    """Buffer a view or click unless it must not be counted; True when counted (P12, P30).

    ``environ`` is the request's WSGI environ (``request.META``). The visitor's address is
    read from it, hashed with the day's salt and forgotten; only the hash is buffered.
    """
    cookies = parse_cookie(environ["HTTP_COOKIE"]) if environ.get("HTTP_COOKIE") else {}
    if visitors.refusal(environ, cookies) or visitors.is_owner(cookies, owner_id):
        return False
    now = timezone.now()
    user_agent = environ.get("HTTP_USER_AGENT", "")
    event = {
        "s": site_id,
        "k": kind,
        "t": round(now.timestamp(), 3),
        "p": path[:MAX_PATH],
        "l": link,
        "r": _referrer(referrer, environ),
        "d": visitors.device_class(user_agent),
        "v": visitors.visitor_hash(
            site_id=site_id,
            address=visitors.client_address(environ),
            user_agent=user_agent,
            day=now.date(),
        ),
    }
    get_buffer().append(json.dumps(event, separators=(",", ":")).encode())
    return True


def _referrer(given: str, environ: Mapping[str, Any]) -> str:
    """The referring site's host only (never a URL), or "" for none or our own host.

    Only the ``r`` parameter is read: a pixel's own Referer is the page that shows it, so the
    server that delivered the page fills in that page's referrer (``referrers``).
    """
    host = visitors.host_of(given) if given else ""
    if not host:
        return ""
    own = (environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")).rsplit(":", 1)[0]
    return "" if host in (visitors.host_of(own), visitors.host_of(settings.SITE_URL)) else host


# --- flush ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    site: int
    kind: str
    at: dt.datetime
    path: str
    link: int | None
    referrer: str
    device: str
    visitor: str


def _parse(line: bytes) -> _Parsed | None:
    try:
        data = json.loads(line)
        kind = str(data["k"])
        if kind not in Kind.values:
            return None
        return _Parsed(
            site=int(data["s"]),
            kind=kind,
            at=dt.datetime.fromtimestamp(float(data["t"]), tz=dt.UTC),
            path=str(data.get("p") or "")[:MAX_PATH],
            link=int(data["l"]) if data.get("l") is not None else None,
            referrer=str(data.get("r") or "")[:253],
            device=str(data.get("d") or "desktop")[:8],
            visitor=str(data["v"])[:64],
        )
    except (ValueError, KeyError, TypeError):
        return None


def flush(*, batch_size: int = FLUSH_BATCH, max_batches: int = FLUSH_BATCHES) -> int:
    """Claim what the buffer holds and write it as events and roll-ups; returns events written.

    Bounded: at most ``max_batches`` transactions of ``batch_size`` lines; the rest waits for
    the next run. Safe to run in several processes at once, and to kill at any point.
    """
    buffer = get_buffer()
    buffer.claim()
    written = batches = 0
    for segment in buffer.segments():
        while True:
            if batches >= max_batches:
                return written
            batches += 1
            count, finished = _flush_batch(segment, batch_size)
            written += count
            if finished:
                segment.discard()  # first the data, then its progress row: never re-read
                BufferProgress.objects.filter(segment=segment.name).delete()
                break
    return written


def _flush_batch(segment: Segment, batch_size: int) -> tuple[int, bool]:
    BufferProgress.objects.get_or_create(segment=segment.name)
    with transaction.atomic():
        progress = BufferProgress.objects.select_for_update().filter(segment=segment.name).first()
        if progress is None:  # another flush finished this segment
            return 0, True
        lines, end = segment.read(progress.position, batch_size)
        if not lines:
            return 0, True
        written = _ingest(lines)
        progress.position = end
        progress.save(update_fields=["position", "updated_at"])
    return written, False


def _ingest(lines: Iterable[bytes]) -> int:
    parsed = [event for line in lines if (event := _parse(line)) is not None]
    sites = set(
        Site.objects.filter(pk__in={event.site for event in parsed}).values_list("pk", flat=True)
    )
    events = [event for event in parsed if event.site in sites]  # a site deleted meanwhile
    Event.objects.bulk_create(
        [
            Event(
                site_id=event.site,
                kind=event.kind,
                at=event.at,
                path=event.path,
                link_id=event.link,
                referrer_host=event.referrer,
                device=event.device,
                visitor=event.visitor,
            )
            for event in events
        ],
        batch_size=500,
    )
    counts: Counter[tuple[int, dt.date, str, str, str]] = Counter()
    for event in events:
        day = event.at.date()
        counts[(event.site, day, event.kind, TOTAL, "")] += 1
        if event.kind == Kind.CLICK:
            counts[(event.site, day, event.kind, LINK, str(event.link))] += 1
        else:
            counts[(event.site, day, event.kind, PATH, event.path)] += 1
        if event.referrer:
            counts[(event.site, day, event.kind, REFERRER, event.referrer)] += 1
        counts[(event.site, day, event.kind, DEVICE, event.device)] += 1
    for (site, day), new in _new_visitors(events).items():
        counts[(site, day, DailyCount.VISITOR, TOTAL, "")] += new
    _add_counts(counts)
    return len(events)


def _new_visitors(events: list[_Parsed]) -> Counter[tuple[int, dt.date]]:
    """Record each (site, day, visitor) once; count those not seen before, per site and day.

    Hashes are kept only while their salt lives (48 hours); an event flushed later than that
    still counts as a view, but no longer as a visitor (it could not be told apart).
    """
    oldest = visitors.today() - dt.timedelta(days=1)
    rows = sorted(
        {
            (event.site, event.at.date(), event.visitor)
            for event in events
            if event.at.date() >= oldest
        }
    )
    new: Counter[tuple[int, dt.date]] = Counter()
    table = connection.ops.quote_name("stats_dailyvisitor")
    for start in range(0, len(rows), 300):
        chunk = rows[start : start + 300]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (site_id, day, visitor) VALUES {values} "  # noqa: S608
                "ON CONFLICT (site_id, day, visitor) DO NOTHING RETURNING site_id, day",
                [value for row in chunk for value in row],
            )
            for site, day in cursor.fetchall():
                new[
                    (int(site), day if isinstance(day, dt.date) else dt.date.fromisoformat(day))
                ] += 1
    return new


def _add_counts(counts: Counter[tuple[int, dt.date, str, str, str]]) -> None:
    """Add to the roll-ups with one upsert per chunk (rows sorted: no deadlock between flushes)."""
    rows = sorted(counts.items())
    table = connection.ops.quote_name("stats_dailycount")
    key = connection.ops.quote_name("key")
    for start in range(0, len(rows), 300):
        chunk = rows[start : start + 300]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (site_id, day, kind, dimension, {key}, count) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (site_id, day, kind, dimension, {key}) "
                f"DO UPDATE SET count = {table}.count + excluded.count",
                [
                    value
                    for (site, day, kind, dim, name), n in chunk
                    for value in (site, day, kind, dim, name, n)
                ],
            )
