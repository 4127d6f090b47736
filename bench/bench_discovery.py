"""The directory's figures (issue 19), on a throwaway database with 100,000 listed sites.

- ``discovery.search_ms_100k.median`` / ``.p95``: one search (page 1, ranked, with the
  ``Site.objects.listed()`` check in the same SQL) over 100,000 listed sites, for a fixed mix
  of 300 queries: whole words common and rare, 3-letter prefixes, two-word queries, English
  and Russian, and a few with FTS syntax characters. SQLite FTS5 (the default).
- ``discovery.explore_uncached_ms_100k``: ``/explore/``'s two queries (its tag counts, cached
  two minutes on the page, and the newest 24 sites) over the same sites.
- ``discovery.similar_batch_s_100k``: recomputing the similar sites of all 100,000 sites in
  the periodic job's batches of 1,000 (``services.compute_similar``) until none is due.
- With ``BENCH_DATABASE_URL`` (a PostgreSQL server; a database is created and dropped), the
  same on PostgreSQL full text with its GIN index: ``discovery.pg.*``.

The sites are rows made straight in the database (owners, sites, their search entries and
tags), with words drawn from English-like and Russian-like vocabularies with a Zipf-like
spread, so some words are on a third of the sites and most on a handful.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import connections, transaction

Metric = tuple[str, float | int, str]
SITES = int(os.environ.get("BENCH_DISCOVERY_SITES", 100_000))
OWNERS = 1_000
QUERIES = 300
# Syllables of made-up English-like and Russian-like words.
EN = "sea sun mar lin tor ka ri lo ben sol tra vel co fe ga den mo un tain ing er la ke hi ver"
RU = "мо ре ко ло сон лес та ни го ра ви да ка ту ль ск ая ов ин ет"  # noqa: RUF001


def _vocabulary(rng: random.Random, syllables: list[str], size: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < size:
        words.setdefault("".join(rng.choices(syllables, k=rng.randint(2, 4))), None)
    return list(words)


class Words:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = _vocabulary(rng, EN.split(), 20_000) + _vocabulary(rng, RU.split(), 10_000)
        rng.shuffle(self.words)
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(self.words)))
        )

    def pick(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=k)


def _populate(words: Words) -> None:
    from django.utils import timezone

    from mosaic.accounts.models import User
    from mosaic.discovery.models import SearchEntry, SiteTag
    from mosaic.websites.models import Site

    now = timezone.now()
    owners = User.objects.bulk_create(
        User(username=f"owner{n}", email=f"owner{n}@example.com", password="!")  # noqa: S106 (an unusable password)
        for n in range(OWNERS)
    )
    rng = words.rng
    for start in range(0, SITES, 5_000):
        with transaction.atomic():
            sites = Site.objects.bulk_create(
                Site(
                    owner=owners[n % OWNERS],
                    slug=f"site-{n}",
                    title=" ".join(words.pick(3)).title(),
                    bio=" ".join(words.pick(rng.randint(8, 25))),
                    listed=True,
                    published={"title": "", "bio": "", "hidden": []},
                    published_at=now - dt.timedelta(minutes=n),
                )
                for n in range(start, min(start + 5_000, SITES))
            )
            entries = SearchEntry.objects.bulk_create(
                SearchEntry(
                    site=site,
                    name=site.slug,
                    title=site.title.casefold(),
                    bio=site.bio,
                    tags=" ".join(tags),
                    published_at=now,
                )
                for site in sites
                for tags in [list(dict.fromkeys(words.pick(rng.randint(5, 10))))]
            )
            SiteTag.objects.bulk_create(
                SiteTag(entry=entry, key=tag, label=tag, posts=rng.randint(1, 9))
                for entry in entries
                for tag in entry.tags.split()
            )


def _queries(words: Words) -> list[str]:
    rng = random.Random(7)
    head, tail = words.words[:50], words.words[1000:]
    queries = []
    for n in range(QUERIES):
        kind = n % 6
        if kind == 0:
            queries.append(rng.choice(head))  # a common word
        elif kind == 1:
            queries.append(rng.choice(tail))  # a rare word
        elif kind == 2:
            queries.append(rng.choice(words.words)[:3])  # a prefix, as typed
        elif kind == 3:
            queries.append(f"{rng.choice(head)} {rng.choice(words.words)}")
        elif kind == 4:
            queries.append(f"#{rng.choice(words.words)}")
        else:
            queries.append(f'"{rng.choice(head)}* OR NEAR(')  # syntax is text
    return queries


def _figures(prefix: str) -> Iterator[Metric]:
    from mosaic.discovery import services
    from mosaic.discovery.search import search

    words = Words(random.Random(19))
    started = time.perf_counter()
    _populate(words)
    yield f"{prefix}populate_s_100k", time.perf_counter() - started, "s"
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    queries = _queries(words)
    for query in queries[:20]:  # warm the caches
        search(query)
    timings, found = [], 0
    for query in queries:
        started = time.perf_counter()
        found += len(search(query).sites)
        timings.append((time.perf_counter() - started) * 1000)
    if not found:
        raise SystemExit("the searches found nothing: the bench measures nothing")
    yield f"{prefix}search_ms_100k.median", statistics.median(timings), "ms"
    yield f"{prefix}search_ms_100k.p95", statistics.quantiles(timings, n=20)[-1], "ms"
    started = time.perf_counter()
    tags = services.refresh_popular_tags()
    page = list(services.newest_sites()[:24])
    yield f"{prefix}explore_uncached_ms_100k", (time.perf_counter() - started) * 1000, "ms"
    if not tags or len(page) != 24:
        raise SystemExit("/explore/ found no tags or sites")
    started = time.perf_counter()
    batches = 0
    while services.compute_similar(batch=1000):
        batches += 1
    yield f"{prefix}similar_batch_s_100k", time.perf_counter() - started, "s"
    from mosaic.discovery.models import Similar

    if not Similar.objects.exists() or batches < SITES // 1000:
        raise SystemExit(f"similar sites: {batches} batches, nothing computed?")


def _throwaway_sqlite(folder: Path) -> None:
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "bench.sqlite3")}
    )
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # /explore/'s tag counts are cached


def run() -> Iterator[Metric]:
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-discovery-") as folder:
        try:
            _throwaway_sqlite(Path(folder))
            yield from _figures("discovery.")
        finally:
            connections["default"].close()
    if server := os.environ.get("BENCH_DATABASE_URL"):
        yield from _on_postgresql(server)


def _on_postgresql(server: str) -> Iterator[Metric]:
    """The same on a throwaway PostgreSQL database (``bench.tools.rerun_on_postgresql``)."""
    from bench.tools import rerun_on_postgresql

    yield from rerun_on_postgresql("bench.bench_discovery", server, "discovery", timeout=3600)


def _postgresql_child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
    import django

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    for name, value, unit in _figures("discovery.pg."):
        print(name, value, unit, flush=True)


if __name__ == "__main__":
    _postgresql_child()
