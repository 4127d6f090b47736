"""Saving and removing posts.

Public API for other apps (the Instagram import, uploads, the websites editor):

- ``add_video`` stores a video file, cleaned of its metadata (``videos.py``), and ``add_poster``
  makes a poster photo from it; ``mosaic.photos.services.add_photo`` stores a photo;
- ``save_post`` creates or updates a post from them, idempotently per external id;
- ``delete_post`` and ``delete_item`` remove a post or one of its items (P07), and with them every
  photo and video no other post uses.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from mosaic.photos.models import Photo
from mosaic.photos.services import PhotoRejected, add_photo, delete_files, release_photos
from mosaic.photos.storage import guarded_storage, public_storage
from mosaic.posts import videos
from mosaic.posts.hashtags import hashtags, tag_key
from mosaic.posts.models import ALT_TEXT_MAX, Comment, Post, PostItem, Video

if TYPE_CHECKING:
    from mosaic.accounts.models import User

__all__ = [
    "NewComment",
    "NewItem",
    "add_poster",
    "add_video",
    "delete_item",
    "delete_post",
    "save_post",
]

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class NewItem:
    """One item of a post being saved: a photo, or a video with its poster photo."""

    photo: Photo | None
    video: Video | None = None
    external_id: str = ""

    @property
    def kind(self) -> str:
        return PostItem.Kind.VIDEO if self.video is not None else PostItem.Kind.IMAGE

    def key(self) -> tuple[str, int | None, int | None, str]:
        return (
            self.kind,
            self.photo.pk if self.photo else None,
            self.video.pk if self.video else None,
            self.external_id,
        )


@dataclass(frozen=True)
class NewComment:
    external_id: str
    author: str
    text: str
    commented_at: datetime


def save_post(
    *,
    owner: User,
    source: str,
    external_id: str,
    caption: str,
    taken_at: datetime,
    items: Sequence[NewItem],
    permalink: str = "",
    comments: Sequence[NewComment] | None = None,
    republish: bool = True,
) -> tuple[Post, bool]:
    """Create the post, or bring the existing one with this ``external_id`` up to date.

    Idempotent: saving the same post again writes nothing. Changed items replace the old
    ones, and photos or videos that no post uses any more are deleted. ``comments=None`` leaves
    comments alone; a list makes the post's comments exactly that list. A change republishes
    the owner's sites, unless ``republish`` is false (an import republishes once, at its end).
    Returns ``(post, created)``.
    """
    if not items:
        raise ValueError("a post needs at least one photo or video")
    if any(item.photo is None and item.video is None for item in items):
        raise ValueError("every item needs a photo or a video")
    tags = hashtags(caption)
    values = {
        "caption": caption,
        "hashtags": tags,
        "hashtag_keys": f" {' '.join(tag_key(tag) for tag in tags)} " if tags else "",
        "taken_at": taken_at,
        "permalink": permalink,
    }
    with transaction.atomic():
        post = None
        if external_id:
            post = (
                Post.objects.select_for_update()
                .filter(owner=owner, source=source, external_id=external_id)
                .first()
            )
        created = post is None
        if post is None:
            try:
                with transaction.atomic():
                    post = Post.objects.create(
                        owner=owner, source=source, external_id=external_id, **values
                    )
            except IntegrityError:  # saved at the same moment by another run: update theirs
                post = Post.objects.select_for_update().get(
                    owner=owner, source=source, external_id=external_id
                )
                created = False
        changed: list[str] = []
        if not created:
            changed = [name for name, value in values.items() if getattr(post, name) != value]
            if changed:
                for name in changed:
                    setattr(post, name, values[name])
                post.save(update_fields=[*changed, "updated_at"])
        replaced = _replace_items(post, items)
        if comments is not None:
            _replace_comments(post, comments)
        if (created or changed or replaced) and republish:
            _content_changed(owner.pk)
    return post, created


def set_alt_text(*, item: PostItem, text: str) -> bool:
    """The owner's alt text for one photo ("" goes back to the caption's first sentence). The
    owner's sites republish when it commits, like any change to a post. Returns whether it
    changed."""
    text = " ".join(text.split())[:ALT_TEXT_MAX]
    if text == item.alt_text:
        return False
    item.alt_text = text
    item.save(update_fields=["alt_text"])
    _content_changed(item.post.owner_id)
    return True


def _content_changed(owner_id: int) -> None:
    """The owner's sites republish once this change commits (C4). Imported here because the
    websites app builds on posts, not the reverse."""
    from mosaic.websites.services import republish_owner_sites

    transaction.on_commit(partial(republish_owner_sites, owner_id=owner_id))


def _withdraw(owner_id: int, post_id: int) -> None:
    """P07: the removed post leaves the sites' served pages when this commits, before (and
    whatever) the republish does."""
    from mosaic.websites.services import withdraw_post

    transaction.on_commit(partial(withdraw_post, owner_id=owner_id, post_id=post_id))


def _replace_items(post: Post, items: Sequence[NewItem]) -> bool:
    old = list(post.items.order_by("position"))
    old_keys = [(i.kind, i.photo_id, i.video_id, i.external_id) for i in old]
    if old_keys == [item.key() for item in items]:
        return False
    # The owner's alt text stays with its photo when the post's items change (a sync).
    alt_texts = {i.photo_id: i.alt_text for i in old if i.photo_id and i.alt_text}
    post.items.all().delete()
    PostItem.objects.bulk_create(
        PostItem(
            post=post,
            position=position,
            kind=item.kind,
            external_id=item.external_id,
            photo=item.photo,
            video=item.video,
            alt_text=alt_texts.get(item.photo.pk, "") if item.photo else "",
        )
        for position, item in enumerate(items)
    )
    _release(
        photo_ids={i.photo_id for i in old if i.photo_id},
        video_ids={i.video_id for i in old if i.video_id},
    )
    return True


def _replace_comments(post: Post, comments: Sequence[NewComment]) -> None:
    existing = {comment.external_id: comment for comment in post.comments.all()}
    wanted = {comment.external_id: comment for comment in comments}
    post.comments.exclude(external_id__in=list(wanted)).delete()
    for key, new in wanted.items():
        current = existing.get(key)
        if current is None:
            Comment.objects.create(
                post=post,
                external_id=key,
                author=new.author,
                text=new.text,
                commented_at=new.commented_at,
            )
        elif (current.author, current.text, current.commented_at) != (
            new.author,
            new.text,
            new.commented_at,
        ):
            current.author, current.text = new.author, new.text
            current.commented_at = new.commented_at
            current.save(update_fields=["author", "text", "commented_at"])


def delete_post(*, post: Post) -> None:
    """Remove a post (P07) and every photo and video that no other post uses."""
    with transaction.atomic():
        items = list(post.items.all())
        Post.objects.filter(pk=post.pk).delete()
        _withdraw(post.owner_id, post.pk)
        _content_changed(post.owner_id)
        _release(
            photo_ids={i.photo_id for i in items if i.photo_id},
            video_ids={i.video_id for i in items if i.video_id},
        )


def delete_item(*, item: PostItem) -> None:
    """Remove one photo or video of a post (P07); a post left empty is removed too."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=item.post_id)
        remaining = [i for i in post.items.order_by("position") if i.pk != item.pk]
        if not remaining:
            delete_post(post=post)
            return
        PostItem.objects.filter(pk=item.pk).delete()
        _content_changed(post.owner_id)
        for position, kept in enumerate(remaining):  # keep positions 0..n-1, in two steps
            PostItem.objects.filter(pk=kept.pk).update(position=position + 1000)
        for position, kept in enumerate(remaining):
            PostItem.objects.filter(pk=kept.pk).update(position=position)
        _release(
            photo_ids={item.photo_id} if item.photo_id else set(),
            video_ids={item.video_id} if item.video_id else set(),
        )


def _release(*, photo_ids: Iterable[int], video_ids: Iterable[int]) -> None:
    """Delete the photos and videos among these that nothing uses any more (P05): a photo may
    still be another post's, or the owner's or a site's avatar (``release_photos``)."""
    release_photos(photo_ids=photo_ids)
    unused = Video.objects.filter(pk__in=set(video_ids), post_items__isnull=True)
    names = list(unused.values_list("name", "public_name"))
    if names:
        unused.delete()
        public = [copy for _name, copy in names if copy]
        transaction.on_commit(partial(delete_files, public_storage(), public))
        transaction.on_commit(partial(delete_files, guarded_storage(), [n for n, _ in names]))


def add_video(*, owner: User, source: IO[bytes], filename: str = "") -> Video:
    """Store a video (an ISO media file: MP4, MOV, M4V) for ``owner``, cleaned of every piece
    of metadata (C3, ``videos.clean``); the same file added again is the same ``Video``.
    Streams through temporary files, so size is bounded by ``POSTS_MAX_VIDEO_BYTES`` and not by
    memory; longer than ``POSTS_MAX_VIDEO_SECONDS``, damaged or without a picture, it is refused:
    ``PhotoRejected`` with a reason, and nothing is written."""
    limit = settings.POSTS_MAX_VIDEO_BYTES
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryDirectory(prefix="mosaic-video-") as folder:
        original, cleaned = Path(folder) / "original", Path(folder) / "cleaned.mp4"
        with original.open("wb") as spool:
            while chunk := source.read(_CHUNK):
                if size == 0 and chunk[4:8] != b"ftyp":
                    raise _named(
                        filename,
                        gettext_noop("%(name)s is not an MP4 or MOV video"),
                        gettext_noop("the file is not an MP4 or MOV video"),
                    )
                size += len(chunk)
                if size > limit:
                    raise PhotoRejected(
                        gettext_noop("the video is larger than %(size)s MB"),
                        size=limit // (1024 * 1024),
                    )
                digest.update(chunk)
                spool.write(chunk)
        if size == 0:
            raise _named(
                filename, gettext_noop("%(name)s is empty"), gettext_noop("the video is empty")
            )
        sha256 = digest.hexdigest()
        existing = Video.objects.filter(owner=owner, sha256=sha256).first()
        if existing is not None:
            return existing
        videos.clean(original, cleaned, videos.probe(original, video_limits()))
        storage = guarded_storage()
        with cleaned.open("rb") as file:
            name = storage.save(f"videos/{secrets.token_hex(16)}.mp4", File(file))
        stored_size = cleaned.stat().st_size
    try:
        with transaction.atomic():
            return Video.objects.create(owner=owner, sha256=sha256, name=name, size=stored_size)
    except IntegrityError:  # the same file added at the same moment: keep theirs
        delete_files(storage, [name])
        return Video.objects.get(owner=owner, sha256=sha256)
    except BaseException:
        delete_files(storage, [name])
        raise


def _named(filename: str, named: str, unnamed: str) -> PhotoRejected:
    return PhotoRejected(named, name=filename) if filename else PhotoRejected(unnamed)


def video_limits() -> videos.Limits:
    return videos.Limits(max_seconds=settings.POSTS_MAX_VIDEO_SECONDS)


def add_poster(*, owner: User, video: Video, process: bool = True) -> Photo | None:
    """A poster photo for a video that came without one: a frame of the stored (cleaned) video,
    through the photo pipeline like any photo (``process`` as for ``add_photo``); ``None`` when
    no frame can be read (a video without its poster still plays)."""
    with tempfile.TemporaryDirectory(prefix="mosaic-poster-") as folder:
        local, frame = Path(folder) / "video.mp4", Path(folder) / "poster.jpg"
        with guarded_storage().open(video.name, "rb") as stored, local.open("wb") as copy:
            while chunk := stored.read(_CHUNK):
                copy.write(chunk)
        try:
            videos.poster_frame(local, frame, videos.probe(local, video_limits()))
        except PhotoRejected:
            return None
        with frame.open("rb") as file:
            return add_photo(
                owner=owner, source=file, filename=f"video-{video.pk}-poster.jpg", process=process
            )
