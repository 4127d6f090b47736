"""Syncing an owner's feed from the Instagram API into posts.

1. ``/me`` gives the number of posts (the progress bar's total for a full sync).
2. ``/me/media`` is read page by page from the run's stored cursor (the page being processed),
   newest first; each media is imported unless this run already did (``SeenMedia``), so a run
   resumed after a crash mid-page picks up where it stopped.
3. For each media: its files (carousel children; a video and its poster) are downloaded under
   the media fetch policy, a few at a time ahead of the post being stored (``downloads.py``),
   unless the post is already here with the same items (then only its
   caption, date and link are brought up to date); comments where the token's scope allows.
4. An incremental run stops at the first post imported before (or older than the newest one);
   a full run reads everything, and once complete removes the posts deleted on Instagram.
5. As for a data download, each post's originals go to the task's pool once the post is saved,
   encoded while the next posts download; the sites republish once at the end
   (``execution.py``).

Rate limits pause the run (``resume_after``); error 190 marks the connection broken and ends
the run; other failures back off and retry (``runs.retry_later``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from mosaic.accounts.models import User
from mosaic.integrations.instagram import runs, services
from mosaic.integrations.instagram.client import (
    InstagramClient,
    InstagramError,
    InvalidToken,
    PermissionDenied,
    RateLimited,
)
from mosaic.integrations.instagram.downloads import Downloads
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection, SeenMedia
from mosaic.lib.deferred import Deferred, DeferredError
from mosaic.lib.safe_http import FetchError, TooLarge, UnsafeURL
from mosaic.photos.models import Photo
from mosaic.photos.services import PhotoRejected, VariantMaker, add_photo
from mosaic.posts.models import Post
from mosaic.posts.services import (
    NewComment,
    NewItem,
    add_poster,
    add_video,
    delete_post,
    save_post,
)

T = TypeVar("T")


class MediaUnavailable(DeferredError):
    """A media file could not be downloaded this time (expired URL, network): retry later, when
    a fresh page gives fresh URLs."""


class Skipped(DeferredError):
    """A media file Mosaic will not take (refused URL, too large, not a photo): noted, skipped;
    ``text`` is translated when the run's warnings are read."""


def run_sync(*, run: ImportRun, budget: int | None, variants: VariantMaker) -> None:
    connection = InstagramConnection.objects.filter(user_id=run.user_id).first()
    if not User.objects.filter(pk=run.user_id, is_active=True).exists():
        runs.fail(
            run=run, message=Deferred(gettext_noop("The account is blocked: nothing is imported."))
        )
        return  # P10: a run queued before the block does nothing
    if connection is None or not connection.is_active:
        runs.fail(
            run=run,
            message=Deferred(
                gettext_noop("Instagram is not connected: connect it to import posts.")
            ),
        )
        return
    try:
        with InstagramClient() as client:
            token = services.valid_token(connection=connection)
            _sync(run, connection, client, token, budget, variants)
    except InvalidToken:
        services.mark_broken(connection=connection)
        runs.fail(
            run=run,
            message=Deferred(
                gettext_noop(
                    "Instagram no longer accepts Mosaic's access (error 190). Reconnect Instagram"
                    " to go on; the posts imported so far stay."
                )
            ),
        )
    except RateLimited as exc:
        resume = timezone.localtime(timezone.now()) + timedelta(seconds=exc.retry_after)
        runs.pause(
            run,
            seconds=exc.retry_after,
            message=Deferred(
                gettext_noop(
                    "Instagram asked Mosaic to slow down; the import goes on at %(time)s."
                ),
                {"time": date_format(resume, "TIME_FORMAT")},
            ),
        )
    except (InstagramError, MediaUnavailable) as exc:
        runs.retry_later(
            run,
            message=Deferred(
                gettext_noop(
                    "Instagram did not answer as expected (%(reason)s); Mosaic tries again soon."
                ),
                {"reason": exc.text if isinstance(exc, MediaUnavailable) else str(exc)[:200]},
            ),
        )


def _sync(
    run: ImportRun,
    connection: InstagramConnection,
    client: InstagramClient,
    token: str,
    budget: int | None,
    variants: VariantMaker,
) -> None:
    if run.total is None and run.kind == ImportRun.Kind.FULL:
        run.total = client.me(token=token).media_count
        runs.save_progress(run, "total")
    handled = 0
    while True:
        page = client.media_page(token=token, after=run.cursor, limit=settings.INSTAGRAM_PAGE_SIZE)
        ids = [str(item.get("id") or "") for item in page.items]
        seen = set(
            SeenMedia.objects.filter(run=run, external_id__in=ids).values_list(
                "external_id", flat=True
            )
        )
        todo: list[tuple[dict[str, Any], str]] = []
        reached_known = False
        for item, media_id in zip(page.items, ids, strict=True):
            if not media_id or media_id in seen:
                continue
            if run.kind == ImportRun.Kind.INCREMENTAL and _imported_before(run, media_id, item):
                reached_known = True
                break
            todo.append((item, media_id))
            seen.add(media_id)  # listed twice on a page: imported once
        existing = _existing_posts(run, [media_id for _item, media_id in todo])
        with Downloads(settings.INSTAGRAM_DOWNLOADS_AT_ONCE) as downloads:
            downloads.plan(
                [
                    url
                    for item, media_id in todo
                    if _needs_download(existing.get(media_id), item, media_id)
                    for url in _urls(item)
                ]
            )
            for item, media_id in todo:
                # Its originals go to the pool, encoded while the next posts download.
                originals = _import_media(
                    run, client, token, item, media_id, existing.get(media_id), downloads
                )
                variants.add(originals)
                handled += 1
        if reached_known:
            _finish(run, connection, variants)
            return
        run.attempts = 0
        if not page.next_cursor:
            _finish(run, connection, variants)
            return
        run.cursor = page.next_cursor
        runs.save_progress(run, "cursor", "attempts")
        if budget is not None and handled >= budget:
            runs.continue_later(run)
            return


def _imported_before(run: ImportRun, media_id: str, item: dict[str, Any]) -> bool:
    taken_at = _time(item.get("timestamp"))
    if run.since is not None and taken_at is not None and taken_at < run.since:
        return True
    return Post.objects.filter(
        owner_id=run.user_id, source=Post.Source.INSTAGRAM, external_id=media_id
    ).exists()


def _existing_posts(run: ImportRun, media_ids: list[str]) -> dict[str, Post]:
    """The posts of this page imported before, by media id, with their items."""
    posts = Post.objects.filter(
        owner_id=run.user_id, source=Post.Source.INSTAGRAM, external_id__in=media_ids
    ).prefetch_related("items__photo", "items__video")
    return {post.external_id: post for post in posts}


def _parts(item: dict[str, Any], media_id: str) -> list[tuple[dict[str, Any], str]]:
    """A media's parts (a carousel's children, or itself) and their ids."""
    parts = item.get("children") or [item]
    return [(part, str(part.get("id") or media_id)) for part in parts]


def _needs_download(existing: Post | None, item: dict[str, Any], media_id: str) -> bool:
    """Whether the media's files are to be downloaded: not when the post is here with the same
    items (then only its caption, date and link are brought up to date)."""
    if existing is None:
        return True
    wanted = [part_id for _part, part_id in _parts(item, media_id)]
    return [i.external_id for i in existing.items.all()] != wanted


def _urls(item: dict[str, Any]) -> list[str]:
    """The files ``_download`` fetches for a media, in the order it fetches them."""
    urls = []
    for part, _part_id in _parts(item, ""):
        video = part.get("media_type") == "VIDEO"
        names = ("media_url", "thumbnail_url") if video else ("media_url",)
        urls += [url for name in names if isinstance(url := part.get(name), str) and url]
    return urls


def _import_media(
    run: ImportRun,
    client: InstagramClient,
    token: str,
    item: dict[str, Any],
    media_id: str,
    existing: Post | None,
    downloads: Downloads,
) -> list[int]:
    """Import one media; returns the originals of its photos (for the pool)."""
    downloaded = 0
    if existing and not _needs_download(existing, item, media_id):
        items = [NewItem(i.photo, i.video, i.external_id) for i in existing.items.all()]
    else:
        items = []
        for part, part_id in _parts(item, media_id):
            try:
                item_to_save, files = _download(run, part, part_id, downloads)
                items.append(item_to_save)
                downloaded += files
            except Skipped as exc:
                runs.warn(
                    run,
                    Deferred(
                        gettext_noop("Instagram media %(id)s skipped: %(reason)s"),
                        {"id": part_id, "reason": exc.text},
                    ),
                )
    comments = None if run.comments_denied else _comments(run, client, token, media_id)
    caption = str(item.get("caption") or "")
    taken_at = _time(item.get("timestamp")) or (existing.taken_at if existing else timezone.now())
    permalink = str(item.get("permalink") or "")
    permalink = permalink if permalink.startswith("https://") and len(permalink) <= 500 else ""
    with transaction.atomic():
        if items:
            before = _signature(existing) if existing else None
            post, created = save_post(
                owner=run.user,
                source=Post.Source.INSTAGRAM,
                external_id=media_id,
                caption=caption,
                taken_at=taken_at,
                items=items,
                permalink=permalink,
                comments=comments,
                republish=False,  # once, when the run's variants are ready (execution.py)
            )
            if created:
                run.created += 1
            elif before != _signature(post):
                run.updated += 1
        else:
            runs.warn(
                run,
                Deferred(
                    gettext_noop("Instagram post %(id)s has no photo or video Mosaic could fetch."),
                    {"id": media_id},
                ),
            )
        SeenMedia.objects.create(run=run, external_id=media_id)
        run.done += 1
        run.media += downloaded
        runs.save_progress(
            run, "done", "media", "created", "updated", "warnings", "comments_denied"
        )
    return [item.photo.original_id for item in items if item.photo is not None]


def _signature(post: Post) -> tuple[object, ...]:
    fresh = Post.objects.prefetch_related("items", "comments").get(pk=post.pk)
    return (
        fresh.caption,
        fresh.taken_at,
        fresh.permalink,
        [(i.kind, i.photo_id, i.video_id, i.external_id) for i in fresh.items.all()],
        [(c.external_id, c.author, c.text, c.commented_at) for c in fresh.comments.all()],
    )


def _download(
    run: ImportRun, part: dict[str, Any], part_id: str, downloads: Downloads
) -> tuple[NewItem, int]:
    """The item and how many files were stored for it."""
    if part.get("media_type") == "VIDEO":
        video = _fetch(
            downloads,
            part.get("media_url"),
            lambda f: add_video(owner=run.user, source=f, filename=f"{part_id}.mp4"),
        )
        poster: Photo | None
        try:
            poster = _fetch(
                downloads,
                part.get("thumbnail_url"),
                lambda f: add_photo(
                    owner=run.user, source=f, filename=f"{part_id}.jpg", process=False
                ),
            )
        except Skipped:  # none given, or not usable: a frame of the video instead
            poster = add_poster(owner=run.user, video=video, process=False)
        return NewItem(photo=poster, video=video, external_id=part_id), 1 + (poster is not None)
    photo = _fetch(
        downloads,
        part.get("media_url"),
        lambda f: add_photo(owner=run.user, source=f, filename=f"{part_id}.jpg", process=False),
    )
    return NewItem(photo=photo, external_id=part_id), 1


def _fetch(downloads: Downloads, url: object, store: Callable[[IO[bytes]], T]) -> T:
    """Take the file downloaded under the media policy, then hand it to ``store``."""
    if not isinstance(url, str) or not url:
        raise Skipped(gettext_noop("Instagram gave no address for it"))
    try:
        spool = downloads.take(url)
    except (UnsafeURL, TooLarge) as exc:
        raise Skipped(exc.text) from exc
    except FetchError as exc:
        raise MediaUnavailable(exc.text) from exc
    with spool:
        try:
            return store(spool)
        except PhotoRejected as exc:
            raise Skipped(exc.text) from exc


def _comments(
    run: ImportRun, client: InstagramClient, token: str, media_id: str
) -> list[NewComment] | None:
    try:
        raw = client.comments(token=token, media_id=media_id)
    except PermissionDenied:
        run.comments_denied = True  # the token's scope leaves comments out: stop asking
        return None
    return [
        NewComment(
            external_id=str(comment["id"])[:100],
            author=str(comment.get("username") or "")[:100],
            text=str(comment.get("text") or ""),
            commented_at=_time(comment.get("timestamp")) or timezone.now(),
        )
        for comment in raw
    ]


def _finish(run: ImportRun, connection: InstagramConnection, variants: VariantMaker) -> None:
    if run.kind == ImportRun.Kind.FULL:
        run.removed += _remove_deleted(run)
        InstagramConnection.objects.filter(pk=connection.pk).update(
            last_full_sync_at=timezone.now()
        )
    runs.complete(run, variants=variants)


def _remove_deleted(run: ImportRun) -> int:
    """After a complete full sync: the owner's Instagram posts this run did not see were deleted
    on Instagram, so they go from the site too (P05). A run that saw nothing while Instagram
    counts posts removes nothing (a glitch must not empty a site)."""
    seen = SeenMedia.objects.filter(run=run)
    if not seen.exists() and run.total != 0:
        return 0
    gone = Post.objects.filter(owner_id=run.user_id, source=Post.Source.INSTAGRAM).exclude(
        external_id__in=seen.values("external_id")
    )
    removed = 0
    for post in Post.objects.filter(pk__in=list(gone.values_list("pk", flat=True))):
        delete_post(post=post)
        removed += 1
    return removed


def _time(value: object) -> datetime | None:
    """Instagram's ``2024-01-31T12:00:00+0000``."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value) or datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else None
