"""Making posts with real photos for site tests, and publishing in the test's transaction."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from PIL import Image

from mosaic.photos.models import Photo
from mosaic.photos.services import add_photo, process_pending
from mosaic.posts.models import Post
from mosaic.posts.samples import clip
from mosaic.posts.services import NewItem, add_video, save_post

TAKEN = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
_colours = itertools.count(1)


def make_photo(user, *, size: tuple[int, int] = (60, 40)) -> Photo:
    n = next(_colours)
    buffer = io.BytesIO()
    Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)).save(buffer, "PNG")
    buffer.seek(0)
    return add_photo(owner=user, source=buffer, filename=f"p{n}.png")


def make_post(
    user,
    caption: str = "A day at the sea #sea",
    *,
    photos: int = 1,
    video: bool = False,
    days: int = 0,
    permalink: str = "https://www.instagram.com/p/abc/",
) -> Post:
    items = [NewItem(photo=make_photo(user)) for _ in range(photos)]
    if video:
        colour = (next(_colours) * 0x2F1B07) & 0xFFFFFF  # a different file each time
        video_file = add_video(owner=user, source=io.BytesIO(clip(colour=colour)))
        items.append(NewItem(photo=make_photo(user), video=video_file))
    post, _ = save_post(
        owner=user,
        source=Post.Source.UPLOAD,
        external_id=f"x{next(_colours)}",
        caption=caption,
        taken_at=TAKEN + dt.timedelta(days=days),
        items=items,
        permalink=permalink,
    )
    process_pending()
    return post


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (publishing tasks) now: ``with commit(): ...``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def body(response) -> str:
    """A page's text, whether it was streamed (a file) or not (a page with its referrer)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
