"""Reading an Instagram data download: memory stays bounded whatever the archive's size.

Builds a synthetic archive (``BENCH_ARCHIVE_MB``, default 256 MiB, of incompressible "photos"),
then reads every post and streams every media file through a hash, printing the peak Python
memory of the read and its throughput. Run: ``python -m bench.instagram_archive``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from mosaic.integrations.instagram.archive import InstagramArchive
from mosaic.lib.zipsafe import iter_chunks

MEDIA_SIZE = 4 * 1024 * 1024


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


def main() -> None:
    total_mb = int(os.environ.get("BENCH_ARCHIVE_MB", "256"))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "instagram.zip"
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
    print(f"instagram_archive_size: {size / 2**20:.0f} MiB")
    print(f"instagram_archive_read_peak_memory: {peak / 2**20:.1f} MiB")
    print(f"instagram_archive_read_throughput: {media_bytes / 2**20 / elapsed:.0f} MiB/s")


if __name__ == "__main__":
    main()
