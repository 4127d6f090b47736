"""Data-rights figures (issue 7), on a throwaway SQLite database and media folder.

- privacy.export_s_1000: building the export ZIP of an account with 1,000 photos (small real
  JPEG originals), from the database rows to the file in private storage.
- privacy.export_peak_memory_mb: the Python heap's peak during that build (tracemalloc), which
  stays flat whatever the number of photos: the ZIP is streamed to disk.
- privacy.sweep_s_10k: one run of every retention sweep over 10,000 accounts whose quarantine
  has ended (each sealed to the archive key, then erased category by category, 1,000 accounts
  to a transaction). With ``BENCH_DATABASE_URL`` (a PostgreSQL server), the same on a
  throwaway database there: privacy.pg.sweep_s_10k.
- privacy.sweep_cpu_s_10k (and privacy.pg.sweep_cpu_s_10k): the CPU time of this process over
  that sweep (the database server's not included): on a machine loaded by others, the wall time
  mostly measures the wait for a core, this does not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from PIL import Image

if TYPE_CHECKING:
    from mosaic.accounts.models import User

Metric = tuple[str, float | int, str]
PHOTOS = 1000
ACCOUNTS = 10_000


def _throwaway_database(folder: Path) -> None:
    """Point the default connection at a new SQLite file and migrate it."""
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "bench.sqlite3")}
    )
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # erasure culls the database cache (P08)


def _small_jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (seed % 256, (seed * 7) % 256, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def _account_with_photos(count: int) -> User:
    from mosaic.accounts.models import User
    from mosaic.photos.models import Original, Photo
    from mosaic.photos.storage import private_storage

    user = User.objects.create_user(username="benchowner", email="bench@example.com")
    storage = private_storage()
    originals = []
    for index in range(count):
        data = _small_jpeg(index) + index.to_bytes(4, "big")  # unique bytes, unique hash
        digest = hashlib.sha256(data).hexdigest()
        name = storage.save(f"originals/{digest[:2]}/{digest}.jpg", io.BytesIO(data))
        originals.append(
            Original(
                sha256=digest,
                token=secrets.token_hex(16),
                name=name,
                format="jpeg",
                size=len(data),
                width=64,
                height=48,
                status=Original.Status.READY,
            )
        )
    Original.objects.bulk_create(originals, batch_size=500)
    Photo.objects.bulk_create(
        [
            Photo(owner=user, original=original, filename=f"photo-{index}.jpg")
            for index, original in enumerate(Original.objects.order_by("pk"))
        ],
        batch_size=500,
    )
    return user


def _export_figures() -> Iterator[Metric]:
    from mosaic.privacy.exports import build
    from mosaic.privacy.models import DataExport

    user = _account_with_photos(PHOTOS)
    now = timezone.now()

    def one_export() -> DataExport:
        export = DataExport.objects.create(
            user=user, requested_at=now, expires_at=now + dt.timedelta(days=7)
        )
        return DataExport.objects.select_related("user").get(pk=export.pk)

    export = one_export()
    started = time.perf_counter()
    build(export)
    yield "privacy.export_s_1000", time.perf_counter() - started, "s"

    export = one_export()
    tracemalloc.start()
    build(export)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    yield "privacy.export_peak_memory_mb", peak / 1024 / 1024, "MB"


def _sweep_figures(prefix: str = "privacy.") -> Iterator[Metric]:
    from allauth.account.models import EmailAddress

    from mosaic.accounts.models import User
    from mosaic.privacy.periodic import run_privacy_sweeps

    ended = timezone.now() - dt.timedelta(days=1)
    password = make_password(None)  # one unusable hash for all: hashing is not what is measured
    User.objects.bulk_create(
        [
            User(
                username=f"gone{index}",
                email=f"gone{index}@example.com",
                password=password,
                display_name=f"Gone {index}",
                scheduled_deletion_at=ended,
            )
            for index in range(ACCOUNTS)
        ],
        batch_size=1000,
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in User.objects.filter(username__startswith="gone").values_list(
                "pk", "email"
            )
        ],
        batch_size=1000,
    )
    started, cpu = time.perf_counter(), time.process_time()
    run_privacy_sweeps.call()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    left = User.objects.filter(username__startswith="gone").count()
    if left:
        raise SystemExit(f"the sweep left {left} of {ACCOUNTS} accounts")
    yield f"{prefix}sweep_s_10k", elapsed, "s"
    yield f"{prefix}sweep_cpu_s_10k", cpu, "s"


def run() -> Iterator[Metric]:
    from mosaic.lib.sealing import new_key_pair

    saved = {
        name: getattr(settings, name)
        for name in ("MEDIA_ROOT", "PHOTOS_PRIVATE_ROOT", "PRIVACY_ARCHIVE_PUBLIC_KEY")
    }
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-privacy-") as folder:
        root = Path(folder)
        settings.MEDIA_ROOT = str(root / "media")
        settings.PHOTOS_PRIVATE_ROOT = str(root / "private")
        settings.PRIVACY_ARCHIVE_PUBLIC_KEY = new_key_pair()[1]
        try:
            _throwaway_database(root)
            yield from _export_figures()
            yield from _sweep_figures()
            if server := os.environ.get("BENCH_DATABASE_URL"):
                yield from _on_postgresql(server)
        finally:
            connections["default"].close()
            for name, value in saved.items():
                setattr(settings, name, value)


def _on_postgresql(server: str) -> Iterator[Metric]:
    """The same sweep on a throwaway PostgreSQL database (``bench.tools.rerun_on_postgresql``)."""
    from bench.tools import rerun_on_postgresql

    yield from rerun_on_postgresql("bench.bench_privacy", server, "privacy", timeout=1200)


def _postgresql_child() -> None:
    """In the process started by ``_on_postgresql``: migrate, then the sweep figure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
    import django

    django.setup()
    from mosaic.lib.sealing import new_key_pair

    with tempfile.TemporaryDirectory(prefix="mosaic-bench-privacy-") as folder:
        settings.MEDIA_ROOT = str(Path(folder) / "media")
        settings.PHOTOS_PRIVATE_ROOT = str(Path(folder) / "private")
        settings.PRIVACY_ARCHIVE_PUBLIC_KEY = new_key_pair()[1]
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        for name, value, unit in _sweep_figures("privacy.pg."):
            print(name, value, unit)


if __name__ == "__main__":
    _postgresql_child()
