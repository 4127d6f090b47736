"""Importing an Instagram data download (see ``archive.py``) into posts.

1. The ZIP is checked whole by ``SafeZip`` (limits from settings) and every posts file is
   read once, as a stream, one post in memory at a time, to check, count and stage the posts
   (``staging.py``): a refused or unreadable archive (broken JSON, nesting or size past any
   real posts list, at its first post or its last) ends the run with its message before a
   single post is written.
2. Posts are imported from the staged copy, in the archive's order; each post's photos
   (``add_photo``) and videos (``add_video``) are stored, then the post is saved with the
   run's progress in one transaction, keyed by the post's stable key, so a restarted import
   skips what is done and re-importing the same download changes nothing.
3. A file the photo pipeline refuses (damaged, not a photo) is skipped with a warning; a post
   left without any file is skipped too.
4. Photos are stored without a processing task each and posts saved without a republish each:
   once a post is saved its originals go to the task's pool (``VariantMaker``), which encodes
   them on every core while the next posts are read; the share waits for the pool before it
   ends, and at the run's end the sites republish once (``execution.py``).
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from mosaic.integrations.instagram import runs, staging
from mosaic.integrations.instagram.archive import ArchiveError, ArchivePost, InstagramArchive
from mosaic.integrations.instagram.models import ImportRun
from mosaic.lib.deferred import Deferred
from mosaic.lib.zipsafe import ZipLimits
from mosaic.photos.services import PhotoRejected, VariantMaker, add_photo
from mosaic.photos.storage import private_storage
from mosaic.posts.models import Post
from mosaic.posts.services import NewItem, add_poster, add_video, save_post


def archive_limits() -> ZipLimits:
    return ZipLimits(
        max_entries=settings.INSTAGRAM_ARCHIVE_MAX_ENTRIES,
        max_file_size=settings.INSTAGRAM_ARCHIVE_MAX_ENTRY_BYTES,
        max_total_size=settings.INSTAGRAM_ARCHIVE_MAX_TOTAL_BYTES,
        max_ratio=settings.INSTAGRAM_ARCHIVE_MAX_RATIO,
    )


def refusal(reason: Deferred) -> Deferred:
    """Why an upload cannot be imported, in the language of whoever reads the run."""
    return Deferred(gettext_noop("This file cannot be imported: %(reason)s."), {"reason": reason})


def run_archive(
    *,
    run: ImportRun,
    budget: int | None,
    variants: VariantMaker,
    source: IO[bytes] | None = None,
) -> None:
    """Import the run's upload (or ``source``, for the command) from where the run stopped."""
    if source is None:
        if not run.upload_name:
            runs.fail(
                run=run,
                message=refusal(
                    Deferred(gettext_noop("the uploaded file is gone; upload it again"))
                ),
            )
            return
        stream: IO[bytes] = private_storage().open(run.upload_name, "rb")
    else:
        stream = source
    staged: IO[bytes] | None = None
    try:
        with InstagramArchive(
            stream,
            limits=archive_limits(),
            max_posts_file_bytes=settings.INSTAGRAM_ARCHIVE_MAX_POSTS_FILE_BYTES,
        ) as archive:
            if run.total is not None and run.upload_name:
                staged = staging.open_kept(run.upload_name)
            if staged is None:  # the first task: the one read of the posts JSON
                staged, total = staging.stage(archive)
                if run.upload_name:
                    staging.keep(staged, run.upload_name)
                if run.total is None:
                    run.total = total
                    for warning in archive.warnings:
                        runs.warn(run, warning)
                    runs.save_progress(run, "total", "warnings")
            for handled, post in enumerate(staging.staged_posts(staged, archive, skip=run.done)):
                if budget is not None and handled >= budget:
                    runs.continue_later(run)
                    return
                # Its originals go to the pool, encoded while the next posts are read.
                variants.add(_import_post(run, post))
    except ArchiveError as exc:
        runs.fail(run=run, message=refusal(exc.text))
        return
    finally:
        if staged is not None:
            staged.close()
        if source is None:
            stream.close()
    runs.complete(run, variants=variants)


def _import_post(run: ImportRun, post: ArchivePost) -> list[int]:
    """Import one post; returns the originals of its photos (for the pool)."""
    existing = (
        Post.objects.filter(owner_id=run.user_id, source=Post.Source.ARCHIVE, external_id=post.key)
        .prefetch_related("items__photo", "items__video")
        .first()
    )
    old_items = list(existing.items.all()) if existing else []
    stored = 0
    if existing and [i.external_id for i in old_items] == [m.member for m in post.media]:
        items = [NewItem(i.photo, i.video, i.external_id) for i in old_items]
    else:
        items = []
        for medium in post.media:
            name = posixpath.basename(medium.member)
            try:
                with medium.open() as stream:
                    if medium.kind == "video":
                        video = add_video(owner=run.user, source=stream, filename=name)
                        # A data download has no poster frames: one is taken from the video.
                        poster = add_poster(owner=run.user, video=video, process=False)
                        items.append(NewItem(photo=poster, video=video, external_id=medium.member))
                    else:
                        photo = add_photo(
                            owner=run.user, source=stream, filename=name, process=False
                        )
                        items.append(NewItem(photo=photo, external_id=medium.member))
                stored += 1
            except PhotoRejected as exc:
                # Not for translation: the file's name, then the reason in the reader's language.
                runs.warn(run, Deferred("%(name)s: %(reason)s", {"name": name, "reason": exc.text}))
            except (zipfile.BadZipFile, EOFError, OSError):
                runs.warn(
                    run,
                    Deferred(gettext_noop("%(name)s is damaged in the archive"), {"name": name}),
                )
    taken_at = post.taken_at or (existing.taken_at if existing else timezone.now())
    with transaction.atomic():
        if items:
            _post, created = save_post(
                owner=run.user,
                source=Post.Source.ARCHIVE,
                external_id=post.key,
                caption=post.caption,
                taken_at=taken_at,
                items=items,
                republish=False,  # once, when the run's variants are ready (execution.py)
            )
            if created:
                run.created += 1
            elif existing and (existing.caption, existing.taken_at) != (post.caption, taken_at):
                run.updated += 1
        else:
            runs.warn(
                run, Deferred(gettext_noop("a post without any usable photo or video was skipped"))
            )
        run.done += 1
        run.media += stored
        runs.save_progress(run, "done", "media", "created", "updated", "warnings")
    return [item.photo.original_id for item in items if item.photo is not None]
