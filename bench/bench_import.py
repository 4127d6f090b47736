"""The whole import, as an owner waits for it: ``python -m bench import``.

- import.end_to_end_s_1000: from "Connect Instagram" (the OAuth round trip on the stand-in) to
  the owner's site republished with every variant of every photo of 1,000 posts (photos,
  3-photo carousels, videos with their posters), the stand-in serving over HTTP in its own
  process. The task queue is played by this process the way one worker would: each share of
  ``INSTAGRAM_IMPORT_POSTS_PER_TASK`` posts (``execute``, which makes that share's variants on
  every core), then the publish the run asked for. The run's progress (what the panel shows
  while it runs) is read between shares and printed with the figure.
- import.end_to_end_cpu_s: the CPU time all of it took (this process, the photo pool's workers,
  ffmpeg, the stand-in), which other jobs on a shared machine do not inflate as they do wall
  time; half of it is what two idle cores could not go below.
- import.end_to_end_variants: how many variant files the site then has (a check on the figure).

Throwaway SQLite database and media folders, as in ``bench_instagram``. ``BENCH_IMPORT_POSTS``
sets another number of posts (e.g. 200, on a loaded machine); the figure's name then says it.
``BENCH_IMPORT_MEDIA_DELAY_MS`` makes each media file wait that long on the stand-in, as a CDN's
round trip would (the figure's name then says it too); by default it answers at once.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings

from bench.bench_instagram import connect, stand_in, throwaway_site
from mosaic.accounts.models import User

POSTS = int(os.environ.get("BENCH_IMPORT_POSTS", "1000"))
MEDIA_DELAY_MS = int(os.environ.get("BENCH_IMPORT_MEDIA_DELAY_MS", "0"))

Metric = tuple[str, float, str]


def run() -> Iterator[Metric]:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        with (
            throwaway_site(directory),
            stand_in(POSTS, media_delay_ms=MEDIA_DELAY_MS) as base,
            override_settings(
                INSTAGRAM_API_URL=base,
                INSTAGRAM_GRAPH_URL=base,
                INSTAGRAM_MEDIA_HOSTS=["127.0.0.1"],
                INSTAGRAM_ALLOW_INSECURE_MEDIA=True,
                WEBSITES_PUBLISHED_ROOT=str(directory / "sites"),
            ),
        ):
            yield from end_to_end(base)


def _cpu_seconds() -> float:
    """CPU time of this process, of its children that ended (pool workers, ffmpeg) and of those
    still running (the stand-in)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _publish_pending() -> int:
    """What a worker does with the queued publish tasks."""
    from mosaic.websites.models import Site
    from mosaic.websites.services import run_publish

    pending = list(Site.objects.filter(publish_pending=True).values_list("pk", flat=True))
    for site_id in pending:
        run_publish(site_id=site_id)
    return len(pending)


def end_to_end(base: str) -> Iterator[Metric]:
    from mosaic.integrations.instagram import runs
    from mosaic.integrations.instagram.execution import execute
    from mosaic.integrations.instagram.models import ImportRun
    from mosaic.photos.models import Original, Variant
    from mosaic.posts.models import Post
    from mosaic.websites.models import Site
    from mosaic.websites.publishing import site_folder
    from mosaic.websites.services import create_site, publish

    user = User.objects.create_user(username="bench-e2e", email="e2e@example.com")
    site = create_site(owner=user, slug="bench-e2e", title="Bench")
    publish(site=site)  # the owner's site is online, empty, before they connect Instagram
    _publish_pending()
    first_build = Site.objects.get(pk=site.pk).published_build
    progress: list[str] = []
    publishes = 0
    cpu = _cpu_seconds()
    started = time.perf_counter()
    connect(base, user)
    run = runs.start_sync(user=user, kind=ImportRun.Kind.FULL)
    while run.state not in {ImportRun.State.COMPLETED, ImportRun.State.FAILED}:
        left = execute(run_id=run.pk, budget=settings.INSTAGRAM_IMPORT_POSTS_PER_TASK)
        run = left or ImportRun.objects.get(pk=run.pk)
        progress.append(f"{run.done}/{run.total} at {time.perf_counter() - started:.0f} s")
        publishes += _publish_pending()
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu

    site.refresh_from_db()
    posts = Post.objects.filter(owner=user).count()
    waiting = Original.objects.exclude(status=Original.Status.READY).count()
    if run.state != ImportRun.State.COMPLETED or posts != POSTS or waiting:
        raise SystemExit(f"incomplete: {run.state} {run.error} {posts} posts, {waiting} waiting")
    if site.published_build == first_build or not (site_folder(site.slug)).exists():
        raise SystemExit("the site was not republished")
    variants = Variant.objects.filter(original__photos__owner=user).distinct().count()
    yield (
        f"import.end_to_end_s_{POSTS}" + (f"_cdn_{MEDIA_DELAY_MS}ms" if MEDIA_DELAY_MS else ""),
        elapsed,
        f"s ({posts} posts, {run.media} files, {publishes} publish; progress "
        f"{', '.join(progress)})",
    )
    yield "import.end_to_end_cpu_s", cpu, "s (every process; / 2 = two idle cores' floor)"
    yield "import.end_to_end_variants", variants, "files"
