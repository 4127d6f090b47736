"""Listed sites for directory tests: published for real (``publish_listed``), or, where
only the directory's rows matter (search ranking, many sites), made straight in the
database with the fields a publish sets (``listed_row``)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.discovery import services
from mosaic.posts.hashtags import hashtags, tag_key
from mosaic.posts.models import Post
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import TAKEN, commit, make_post  # noqa: F401 (fixture)

_numbers = itertools.count(1)


def publish_listed(
    user: User, capture, *, slug: str, title: str, captions: tuple[str, ...] = ("#sea",)
) -> Site:
    """A site published through the real path, then listed by its owner's choice."""
    for caption in captions:
        make_post(user, caption)
    with capture(execute=True):
        site = websites.create_site(owner=user, slug=slug, title=title)
        websites.publish(site=site)
    site.refresh_from_db()
    with capture(execute=True):
        services.set_choices(site=site, listed=True, sensitive=False, recommend=True)
    site.refresh_from_db()
    return site


def listed_row(
    user: User,
    *,
    slug: str,
    title: str,
    bio: str = "",
    captions: tuple[str, ...] = (),
    listed: bool = True,
    index: bool = True,
) -> Site:
    """A published, listed site as rows only (no files): for search and similarity."""
    for caption in captions:
        tags = hashtags(caption)
        Post.objects.create(
            owner=user,
            source=Post.Source.UPLOAD,
            external_id=f"r{next(_numbers)}",
            caption=caption,
            hashtags=tags,
            hashtag_keys=f" {' '.join(tag_key(t) for t in tags)} " if tags else "",
            taken_at=TAKEN,
        )
    site = Site.objects.create(
        owner=user,
        slug=slug,
        title=title,
        bio=bio,
        listed=listed,
        published={"title": title, "bio": bio, "hidden": []},
        published_at=timezone.now(),
    )
    if index:
        services.index_site(site_id=site.pk)
    return site
