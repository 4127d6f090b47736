"""Building the data export (P20, P33): one ZIP holding everything Mosaic keeps about a user.

1. ``<category>.json`` for every registered category, from ``Category.export``.
2. The files a category owns (original photos), from ``Category.files``.
3. ``index.html``: the same data readable in any browser, with no scripts or outside assets.

The ZIP is written to a temporary file on disk, never built in memory, then copied to private
storage; memory stays flat whatever the number of photos.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import zipfile
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.photos.storage import private_storage
from mosaic.privacy.models import DataExport
from mosaic.privacy.registry import categories

EXPORT_FOLDER = "exports"


class ExportTooSoon(Exception):
    """P20 allows one export a day; ``available_at`` says when the next one may start."""

    def __init__(self, available_at: dt.datetime) -> None:
        super().__init__(f"next export available at {available_at:%Y-%m-%d %H:%M} UTC")
        self.available_at = available_at


def request_export(*, user: User, now: dt.datetime | None = None) -> DataExport:
    """Start an export unless one was requested in the last ``PRIVACY_EXPORT_INTERVAL_HOURS``."""
    from mosaic.privacy.tasks import build_export

    now = now or timezone.now()
    interval = dt.timedelta(hours=settings.PRIVACY_EXPORT_INTERVAL_HOURS)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
        last = DataExport.objects.filter(user=user).order_by("-requested_at").first()
        if last is not None and last.requested_at > now - interval:
            raise ExportTooSoon(last.requested_at + interval)
        export = DataExport.objects.create(
            user=user,
            requested_at=now,
            expires_at=now + dt.timedelta(days=settings.PRIVACY_EXPORT_DAYS),
        )
    transaction.on_commit(lambda: build_export.enqueue(export_id=str(export.pk)))
    return export


def build(export: DataExport) -> None:
    user = export.user
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING, progress=1)
    steps = categories()
    sections = []
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, category in enumerate(steps, start=1):
                data = category.export(user)
                serialized = json.dumps(data, indent=2, ensure_ascii=False)
                archive.writestr(f"{category.key}.json", serialized)
                files = []
                for name, opener in category.files(user):
                    with opener() as source, archive.open(f"{category.key}/{name}", "w") as target:
                        shutil.copyfileobj(source, target, 1024 * 1024)
                    files.append(f"{category.key}/{name}")
                sections.append(
                    {
                        "category": category,
                        "data": data,
                        "json": serialized,
                        "files": files,
                    }
                )
                progress = max(1, int(95 * done / len(steps)))
                DataExport.objects.filter(pk=export.pk).update(progress=progress)
            archive.writestr(
                "index.html",
                render_to_string(
                    "privacy/export_index.html",
                    {
                        "user": user,
                        "sections": sections,
                        "posts": gallery(sections),
                        "generated_at": timezone.now(),
                    },
                ),
            )
        size = scratch.tell()
        scratch.seek(0)
        name = private_storage().save(f"{EXPORT_FOLDER}/{export.pk}.zip", File(scratch))
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExport.Status.READY,
        progress=100,
        file_name=name,
        size=size,
        ready_at=timezone.now(),
    )


def gallery(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The posts as ``index.html`` shows them: caption, date and their photos and videos, by
    their paths inside the archive (``photos/<id>-<name>``, ``posts/<id>.mp4``)."""
    by_key = {section["category"].key: section for section in sections}
    if "posts" not in by_key:
        return []
    photo_files = {}
    for path in by_key.get("photos", {}).get("files", []):
        photo_id = path.split("/", 1)[1].split("-", 1)[0]
        if photo_id.isdigit():
            photo_files[int(photo_id)] = path
    posts = []
    for post in reversed(by_key["posts"]["data"]):  # newest first, as on a site
        items = post["items"]
        posts.append(
            {
                "caption": post["caption"],
                "taken_at": dt.datetime.fromisoformat(post["taken_at"]),
                "permalink": post["permalink"],
                "photos": [
                    photo_files[i["photo_id"]] for i in items if i["photo_id"] in photo_files
                ],
                "videos": [f"posts/{item['video']}" for item in items if item["video"]],
            }
        )
    return posts


def delete_export(export: DataExport) -> None:
    if export.file_name:
        private_storage().delete(export.file_name)
    export.delete()
