"""Memory of importing a data download whose posts list is large. Run:
``python -m bench import_memory``.

A synthetic download holds a posts JSON of ``BENCH_POSTS_JSON_MB`` (default 64) MiB: about
110,000 posts, each naming one of a few small photos in the ZIP. A fresh Python process, on a
throwaway SQLite database migrated by another process beforehand, runs one import task as a
worker would: the posts file is streamed once to check, count and stage every post
(``staging.py``), then the first ``INSTAGRAM_IMPORT_POSTS_PER_TASK`` posts are imported from the
staged copy (photos stored, posts saved).

- import.archive_posts_json_mb: the posts JSON's size, uncompressed.
- import.archive_baseline_memory_mb: the process's resident memory before the task (Django
  loaded, one user created): the peer of the next figure.
- import.archive_peak_memory_mb: the process's peak resident memory over its
  whole life (VmHWM), the task included. Reading the list whole, as before, took 674 MiB for 32 MB.
- import.archive_task_s: the task's time (the streamed check of every post, then one batch).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

Metric = tuple[str, float, str]
ROOT = Path(__file__).resolve().parents[1]
PHOTOS = 4
CLEARED = ("DATABASE_URL", "REDIS_URL", "MOSAIC_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")


def build(path: Path, megabytes: int) -> tuple[int, int]:
    """The download; returns (posts, bytes of the posts JSON)."""
    photos = []
    for index in range(PHOTOS):
        out = io.BytesIO()
        Image.new("RGB", (64, 64), (40 * index, 90, 160)).save(out, "JPEG")
        photos.append(out.getvalue())
    caption = "A morning by the sea, coffee and a long walk " * 6 + "#bench #café"
    target = megabytes * 1024 * 1024
    chunks, size, count = [], 2, 0
    while True:
        post = json.dumps(
            {
                "media": [
                    {
                        "uri": f"media/posts/202401/{count % PHOTOS}.jpg",
                        "creation_timestamp": 1_600_000_000 + count,
                        "title": "",
                    }
                ],
                "title": f"{count} {caption}",
                "creation_timestamp": 1_600_000_000 + count,
            }
        ).encode()
        if size + len(post) + 1 > target:
            break  # the largest list the default limit accepts
        chunks.append(post)
        size += len(post) + 1
        count += 1
    document = b"[" + b",".join(chunks) + b"]"
    del chunks
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, data in enumerate(photos):
            archive.writestr(f"media/posts/202401/{index}.jpg", data)
        archive.writestr("your_instagram_activity/media/posts_1.json", document)
    return count, len(document)


def run() -> Iterator[Metric]:
    megabytes = int(os.environ.get("BENCH_POSTS_JSON_MB", "64"))
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        env = {key: value for key, value in os.environ.items() if key not in CLEARED}
        env["MOSAIC_VAR_DIR"] = str(directory)
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
            env=env,
            check=True,
            timeout=300,
        )
        path = directory / "download.zip"
        posts, json_bytes = build(path, megabytes)
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_import_memory", str(path), str(posts)],
            env=env,
            cwd=ROOT,
            timeout=600,
            capture_output=True,
            text=True,
        )
        if child.returncode:
            raise SystemExit(f"the import process failed:\n{child.stderr[-3000:]}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    yield "import.archive_posts_json_mb", json_bytes / 2**20, "MiB"
    yield "import.archive_baseline_memory_mb", figures["baseline"] / 2**20, "MiB RSS"
    yield "import.archive_peak_memory_mb", figures["peak"] / 2**20, "MiB RSS"
    yield "import.archive_task_s", figures["seconds"], "s"


def _resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_resident() -> int:
    """This process's own high-water mark (VmHWM: per address space, so new at exec, unlike
    ``ru_maxrss``, which a child inherits from the parent that forked it)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise SystemExit("no VmHWM in /proc/self/status")


def child(path: Path, posts: int) -> None:
    """One import task in this fresh process; prints its figures as one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
    import django

    django.setup()
    from django.conf import settings

    from mosaic.accounts.models import User
    from mosaic.integrations.instagram import runs
    from mosaic.integrations.instagram.execution import execute
    from mosaic.integrations.instagram.models import ImportRun

    user = User.objects.create_user(username="bench-big-archive", email="big@example.com")
    run = runs.create_run(user=user, kind=ImportRun.Kind.ARCHIVE)
    baseline = _resident()
    started = time.perf_counter()
    with path.open("rb") as source:
        execute(run_id=run.pk, budget=settings.INSTAGRAM_IMPORT_POSTS_PER_TASK, source=source)
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    if run.total != posts or run.done != settings.INSTAGRAM_IMPORT_POSTS_PER_TASK or run.error:
        raise SystemExit(f"the task did not check every post: {run.total=} {run.done=} {run.error}")
    peak = _peak_resident()
    print(json.dumps({"baseline": baseline, "peak": peak, "seconds": seconds}))


if __name__ == "__main__":
    child(Path(sys.argv[1]), int(sys.argv[2]))
