"""The directory's workflows: an owner's choices, the search index and similar sites.

Which sites may appear is decided by ``Site.objects.listed()`` every time something is shown
(P28, P31); the rows here are derived data, made from published pages in bounded batches by
the periodic jobs (``periodic``) and at once when the owner changes a choice.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from mosaic.discovery.denylist import is_sensitive_tag, is_sensitive_text
from mosaic.discovery.models import SearchEntry, Similar, SiteTag
from mosaic.discovery.text import fold
from mosaic.posts.hashtags import tag_key
from mosaic.posts.models import Post
from mosaic.websites import services as websites
from mosaic.websites.models import Site

#: Tags a site is listed under (its most used hashtags), and hashtags search looks through.
TAGS_PER_SITE = 10
SEARCH_TAGS_PER_SITE = 50
#: Posts read per site when indexing it (the newest).
POSTS_READ = 1000
SIMILAR_PER_SITE = 6


def directory_sites() -> QuerySet[Site]:
    """P28: listed sites the directory shows: not marked sensitive by their owner."""
    return Site.objects.listed().filter(sensitive=False)


def recommendable_sites() -> QuerySet[Site]:
    """P18: sites that may be recommended and show recommendations: in the directory, with
    their owner's recommendations switch on."""
    return directory_sites().filter(recommend=True)


# --- The owner's choices -------------------------------------------------------------------
def set_choices(*, site: Site, listed: bool, sensitive: bool, recommend: bool) -> None:
    """P28, P18: apply the owner's directory choices at once. Leaving the directory deletes
    the site's search entry, tags and recommendations in this transaction; the pages are
    republished so the "similar sites" frame comes or goes with the choice."""
    changed = (site.listed, site.sensitive, site.recommend) != (listed, sensitive, recommend)
    site.listed, site.sensitive, site.recommend = listed, sensitive, recommend
    with transaction.atomic():
        site.save(update_fields=["listed", "sensitive", "recommend", "updated_at"])
        if not recommend:  # P18: neither recommended nor showing any, stored rows included
            Similar.objects.filter(Q(entry_id=site.pk) | Q(other_id=site.pk)).delete()
        index_site(site_id=site.pk)
    if changed and site.published is not None:
        websites.request_publish(site_ids=[site.pk])


# --- The search index ----------------------------------------------------------------------
def _shown_posts(site: Site) -> QuerySet[Post]:
    hidden = (site.published or {}).get("hidden", ())
    return (
        Post.objects.filter(owner_id=site.owner_id, hidden_by_moderation_at__isnull=True)
        .exclude(pk__in=hidden)
        .order_by("-taken_at")
    )


def _tags(site: Site) -> tuple[list[tuple[str, str, int]], list[str]]:
    """(directory tags as (key, label, posts), search tags): the directory's never sensitive,
    nor taken from a post whose caption is (P18)."""
    listed: Counter[str] = Counter()
    searched: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for caption, hashtags in _shown_posts(site).values_list("caption", "hashtags")[:POSTS_READ]:
        sensitive_caption = is_sensitive_text(caption)
        for tag in hashtags or ():
            key = tag_key(tag)
            labels.setdefault(key, tag)
            searched[key] += 1
            if not sensitive_caption and not is_sensitive_tag(key):
                listed[key] += 1
    directory = [(key, labels[key], n) for key, n in listed.most_common(TAGS_PER_SITE)]
    return directory, [key for key, _n in searched.most_common(SEARCH_TAGS_PER_SITE)]


def index_site(*, site_id: int) -> bool:
    """Make the site's search entry and tags from its published pages, or delete them when it
    may not be found (P31). Returns whether it is in the index now."""
    site = Site.objects.listed().filter(pk=site_id).first()
    if site is None:
        SearchEntry.objects.filter(site_id=site_id).delete()
        return False
    snapshot = site.published or {}
    directory, searched = _tags(site)
    assert site.published_at is not None  # listed() sites are published
    with transaction.atomic():
        entry, _created = SearchEntry.objects.update_or_create(
            site=site,
            defaults={
                "name": site.slug,
                "title": fold(snapshot.get("title", site.title))[:200],
                "bio": fold(snapshot.get("bio", "")),
                "tags": " ".join(fold(key) for key in searched),
                "published_at": site.published_at,
                "similar_at": None,
            },
        )
        SiteTag.objects.filter(entry=entry).delete()
        if not site.sensitive:
            SiteTag.objects.bulk_create(
                SiteTag(entry=entry, key=key, label=label[:100], posts=n)
                for key, label, n in directory
            )
        else:
            Similar.objects.filter(Q(entry=entry) | Q(other=entry)).delete()
    return True


def sync_index(*, batch: int = 500) -> int:
    """Bring up to ``batch`` sites' entries in line with the directory: delete those of sites
    no longer listed, make those of sites listed or published since, then refresh the oldest
    entries (a day old: new posts bring new hashtags without a publish). Idempotent."""
    gone = SearchEntry.objects.exclude(site__in=Site.objects.listed()).values_list("pk")[:batch]
    done = SearchEntry.objects.filter(pk__in=list(gone)).delete()[1].get(SearchEntry._meta.label, 0)
    listed = Site.objects.listed()
    due = [
        listed.filter(
            Q(search_entry__isnull=True) | Q(search_entry__published_at__lt=F("published_at"))
        ),
        listed.filter(search_entry__indexed_at__lt=timezone.now() - timedelta(days=1)).order_by(
            "search_entry__indexed_at"
        ),
    ]
    for sites in due:
        for site_id in list(sites.values_list("pk", flat=True)[: max(batch - done, 0)]):
            index_site(site_id=site_id)
            done += 1
    return done


# --- Similar sites (P18) -------------------------------------------------------------------
def compute_similar(*, batch: int = 1000) -> int:
    """P18: recompute the similar sites of up to ``batch`` sites due (never computed, or not
    for ``DISCOVERY_SIMILAR_DAYS``), from the tags they share with others and nothing else:
    tags are never sensitive (``_tags``), sensitive sites have none, and nothing about
    visitors is read. A shared tag counts more the fewer sites carry it; tags carried by
    more than ``DISCOVERY_MAX_TAG_SITES`` sites say too little and are skipped, which also
    bounds the work of a batch.

    1. Take the batch: due entries of recommendable sites, oldest first.
    2. Read their tags, then every entry carrying one of those tags (one query).
    3. Score candidates, keep the best ``SIMILAR_PER_SITE`` of each, replace the rows."""
    now = timezone.now()
    due = now - timedelta(days=settings.DISCOVERY_SIMILAR_DAYS)
    eligible = SearchEntry.objects.filter(site__in=recommendable_sites())
    ids = list(
        eligible.filter(Q(similar_at__isnull=True) | Q(similar_at__lt=due))
        .order_by(F("similar_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    own: dict[int, list[str]] = defaultdict(list)
    for entry_id, key in SiteTag.objects.filter(entry_id__in=ids).values_list("entry_id", "key"):
        own[entry_id].append(key)
    keys = {key for keys in own.values() for key in keys}
    sizes = dict(
        SiteTag.objects.filter(key__in=keys)
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    useful = {key for key, n in sizes.items() if 1 < n <= settings.DISCOVERY_MAX_TAG_SITES}
    weight = {key: 1.0 / math.log2(1 + sizes[key]) for key in useful}
    carriers: dict[str, list[int]] = defaultdict(list)
    allowed = set(eligible.values_list("pk", flat=True).iterator(chunk_size=10_000))
    shared = SiteTag.objects.filter(key__in=useful).values_list("key", "entry_id")
    for key, entry_id in shared.iterator(chunk_size=10_000):
        if entry_id in allowed:
            carriers[key].append(entry_id)
    rows: list[Similar] = []
    for entry_id in ids:
        scores: dict[int, float] = defaultdict(float)
        for key in own.get(entry_id, ()):
            if key in weight:
                add = weight[key]
                for other in carriers[key]:
                    scores[other] += add
        scores.pop(entry_id, None)
        best = heapq.nsmallest(SIMILAR_PER_SITE, scores.items(), key=lambda i: (-i[1], i[0]))
        rows += [Similar(entry_id=entry_id, other_id=other, score=score) for other, score in best]
    with transaction.atomic():
        Similar.objects.filter(entry_id__in=ids).delete()
        Similar.objects.bulk_create(rows)
        SearchEntry.objects.filter(pk__in=ids).update(similar_at=now)
    return len(ids)


def similar_to(site: Site) -> list[Site]:
    """P18, P31: the sites recommended on ``site``, checked now: both must be recommendable
    (listed, public, published, online, not sensitive, switch on), so a site that leaves is
    gone from every block at once."""
    if not recommendable_sites().filter(pk=site.pk).exists():
        return []
    others = (
        Similar.objects.filter(entry_id=site.pk, other__site__in=recommendable_sites())
        .order_by("-score", "other_id")
        .values_list("other_id", flat=True)[:SIMILAR_PER_SITE]
    )
    order = list(others)
    found = Site.objects.in_bulk(order)
    return [found[pk] for pk in order if pk in found]


# --- The directory -------------------------------------------------------------------------
POPULAR_TAGS_KEY = "discovery:popular-tags"
POPULAR_TAGS = 60


def popular_tags() -> list[tuple[str, str, int]]:
    """The tags of the most directory sites, as (key, label, sites), as the periodic job
    last counted them (``refresh_popular_tags``, every 5 minutes): the counts may be minutes
    old, the sites under a tag never are (``sites_tagged``). Counted here only when nothing
    is cached."""
    found = cache.get(POPULAR_TAGS_KEY)
    if found is None:
        found = refresh_popular_tags()
    return [(key, label, sites) for key, label, sites in found]


def refresh_popular_tags() -> list[tuple[str, str, int]]:
    """Count the directory's tags: one aggregate over the tags of indexed sites (only
    directory sites have tags; a site that left loses them at the next index sweep)."""
    rows = (
        SiteTag.objects.values("key")
        .annotate(sites=Count("entry"))
        .order_by("-sites", "key")[:POPULAR_TAGS]
    )
    counts = {row["key"]: row["sites"] for row in rows}
    labels: dict[str, str] = {}
    for key, label in SiteTag.objects.filter(key__in=counts).values_list("key", "label"):
        labels.setdefault(key, label)
    found = [(key, labels.get(key, key), n) for key, n in counts.items()]
    cache.set(POPULAR_TAGS_KEY, found, timeout=None)
    return found


def sites_tagged(key: str) -> QuerySet[Site]:
    """Directory sites listed under a tag, the ones with most posts under it first."""
    return (
        directory_sites()
        .filter(search_entry__site_tags__key=key)
        .order_by("-search_entry__site_tags__posts", "-published_at", "pk")
    )


def newest_sites() -> QuerySet[Site]:
    return directory_sites().order_by("-published_at", "-pk")
