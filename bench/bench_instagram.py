"""Instagram import figures. Run: ``python -m bench instagram``.

- import.archive_read_*: reading a synthetic data download (``BENCH_ARCHIVE_MB``, default 256
  MiB of incompressible "photos"): every post listed and every media file streamed through a
  hash; peak Python memory (tracemalloc) stays flat whatever the archive's size.
- import.archive_posts_per_s: a data download of the 60 corpus photos repeated to 600 posts
  (each copy made distinct by a JPEG comment, so each is a new original), imported into posts.
- import.api_posts_per_s: 600 posts (photos, 3-photo carousels, videos) synced from the
  Instagram stand-in, started as a subprocess on a free loopback port, over HTTP.
- import.*_peak_memory_mb: the bench process's peak resident memory during that import.

"Import" here is what the import itself does: every file read (or downloaded under the media
policy), checked and fully decoded by ``add_photo``, stored privately, and every post saved.
The served variants are not made here: the photo pipeline's tasks make them afterwards (the
bench's task backend is a dummy), and ``bench_images`` measures that separately. Everything
runs against a throwaway SQLite database and media folder in a temporary directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import override_settings
from django.utils import timezone

from bench.bench_images import corpus
from bench.tools import free_port
from mosaic.accounts.models import User
from mosaic.integrations.instagram.archive import InstagramArchive
from mosaic.lib.zipsafe import iter_chunks

MEDIA_SIZE = 4 * 1024 * 1024
POSTS = 600

Metric = tuple[str, float, str]


def build(path: Path, total_mb: int) -> int:
    count = max(1, total_mb * 1024 * 1024 // MEDIA_SIZE)
    block = os.urandom(MEDIA_SIZE)
    posts = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            name = f"media/posts/202401/{index}.jpg"
            # Each file differs (a counter in front) so nothing could be shared between reads.
            archive.writestr(name, index.to_bytes(8, "big") + block[8:])
            posts.append(
                {
                    "media": [{"uri": name, "creation_timestamp": 1_700_000_000 + index}],
                    "title": f"Post {index} #bench",
                }
            )
        archive.writestr("your_instagram_activity/media/posts_1.json", json.dumps(posts))
    return count


def read_archive(directory: Path) -> Iterator[Metric]:
    total_mb = int(os.environ.get("BENCH_ARCHIVE_MB", "256"))
    path = directory / "synthetic.zip"
    build(path, total_mb)
    size = path.stat().st_size
    tracemalloc.start()
    started = time.perf_counter()
    media_bytes = 0
    with path.open("rb") as source, InstagramArchive(source) as download:
        for post in download.posts():
            for medium in post.media:
                digest = hashlib.sha256()
                with medium.open() as stream:
                    for chunk in iter_chunks(stream):
                        digest.update(chunk)
                        media_bytes += len(chunk)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    path.unlink()
    yield "import.archive_size", size / 2**20, "MiB"
    yield "import.archive_read_peak_memory", peak / 2**20, "MiB"
    yield "import.archive_read_throughput", media_bytes / 2**20 / elapsed, "MiB/s"


def corpus_archive(path: Path) -> None:
    photos = corpus()
    posts = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(POSTS):
            data = photos[index % len(photos)].read_bytes()
            comment = f"copy {index}".encode()
            segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
            name = f"media/posts/202401/{index}.jpg"
            archive.writestr(name, data[:2] + segment + data[2:])
            posts.append(
                {
                    "media": [{"uri": name, "creation_timestamp": 1_700_000_000 + index}],
                    "title": f"Post {index} #bench #café",
                }
            )
        archive.writestr("your_instagram_activity/media/posts_1.json", json.dumps(posts))


class PeakRSS:
    """Samples this process's resident memory every 20 ms while in use."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRSS:
        self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


@contextmanager
def throwaway_site(directory: Path) -> Iterator[None]:
    """A fresh SQLite database and media folder, tasks not run (see the module docstring)."""
    database = connections["default"]
    if database.vendor != "sqlite":
        raise SystemExit("the Instagram bench runs on the default SQLite setup")
    original = database.settings_dict["NAME"]
    database.close()
    database.settings_dict["NAME"] = str(directory / "bench.sqlite3")
    try:
        with override_settings(
            MEDIA_ROOT=directory / "media",
            PHOTOS_PRIVATE_ROOT=str(directory / "private"),
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
            TOKEN_ENCRYPTION_KEYS=[_fernet_key()],
        ):
            call_command("migrate", verbosity=0)
            yield
    finally:
        database.close()
        database.settings_dict["NAME"] = original


def _fernet_key() -> str:
    from mosaic.lib.crypto import generate_key

    return generate_key()


def timed(action: Callable[[], object]) -> tuple[float, int]:
    with PeakRSS() as rss:
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
    return elapsed, rss.peak


def archive_import(directory: Path) -> Iterator[Metric]:
    from mosaic.integrations.instagram import runs
    from mosaic.integrations.instagram.execution import execute
    from mosaic.integrations.instagram.models import ImportRun

    path = directory / "corpus.zip"
    corpus_archive(path)
    user = User.objects.create_user(username="bench-archive", email="a@example.com")
    run = runs.create_run(user=user, kind=ImportRun.Kind.ARCHIVE)

    def work() -> None:
        with path.open("rb") as source:
            execute(run_id=run.pk, budget=None, source=source)

    elapsed, peak = timed(work)
    run.refresh_from_db()
    if run.state != ImportRun.State.COMPLETED or run.created != POSTS:
        raise SystemExit(f"the bench import did not complete: {run.state} {run.error}")
    yield "import.archive_posts_per_s", POSTS / elapsed, "posts/s"
    yield "import.archive_peak_memory_mb", peak / 2**20, "MiB RSS"


@contextmanager
def stand_in(posts: int, *, media_delay_ms: int = 0) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "manage.py", "instagram_stand_in", "--port", str(port), "--quiet"),
            *("--posts", str(posts), "--media-ttl", "7200"),
            *("--media-delay-ms", str(media_delay_ms)),
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "MOSAIC_ENV": "development"},
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # printed once the socket is bound
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def connect(base: str, user: User) -> None:
    """The OAuth round trip a person does on the consent page, then store the connection."""
    from mosaic.integrations.instagram.client import InstagramClient
    from mosaic.integrations.instagram.models import InstagramConnection

    redirect = "http://127.0.0.1/callback/"
    answer = httpx.post(
        f"{base}/oauth/authorize",
        data={
            "client_id": settings.INSTAGRAM_APP_ID,
            "redirect_uri": redirect,
            "state": "bench",
            "username": "bench.account",
            "decision": "allow",
        },
    )
    code = httpx.URL(answer.headers["Location"].split("#")[0]).params["code"]
    with InstagramClient() as client:
        short = client.exchange_code(code=code, redirect_uri=redirect)
        token = client.long_lived(short_lived_token=short.access_token)
    InstagramConnection.objects.create(
        user=user,
        instagram_user_id=short.user_id,
        username="bench.account",
        access_token=token.access_token,
        token_issued_at=time_now(),
        token_expires_at=token.expires_at,
    )


def time_now() -> datetime:
    return timezone.now()


def api_import() -> Iterator[Metric]:
    from mosaic.integrations.instagram import runs
    from mosaic.integrations.instagram.execution import execute
    from mosaic.integrations.instagram.models import ImportRun

    with (
        stand_in(POSTS) as base,
        override_settings(
            INSTAGRAM_API_URL=base,
            INSTAGRAM_GRAPH_URL=base,
            INSTAGRAM_MEDIA_HOSTS=["127.0.0.1"],
            INSTAGRAM_ALLOW_INSECURE_MEDIA=True,
        ),
    ):
        user = User.objects.create_user(username="bench-api", email="b@example.com")
        connect(base, user)
        run = runs.create_run(user=user, kind=ImportRun.Kind.FULL)
        elapsed, peak = timed(lambda: execute(run_id=run.pk, budget=None))
    run.refresh_from_db()
    if run.state != ImportRun.State.COMPLETED or run.created != POSTS:
        raise SystemExit(f"the bench import did not complete: {run.state} {run.error}")
    yield "import.api_posts_per_s", POSTS / elapsed, f"posts/s ({run.media} files)"
    yield "import.api_peak_memory_mb", peak / 2**20, "MiB RSS"


def run() -> Iterator[Metric]:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        yield from read_archive(directory)
        with throwaway_site(directory):
            yield from archive_import(directory)
            yield from api_import()
