"""Shared set-up for the statistics tests: a private buffer per test, sites, and helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.test import Client

from mosaic.photos.services import process_pending
from mosaic.posts.models import Post
from mosaic.posts.services import NewItem, save_post
from mosaic.stats import buffer, visitors
from mosaic.stats.models import DailyCount
from mosaic.stats.services import forget_sites
from mosaic.websites.content import draft_snapshot
from mosaic.websites.models import Site, SiteLink
from mosaic.websites.publishing import publish_site
from mosaic.websites.tests.conftest import TAKEN, make_photo

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
TABLET = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _own_buffer(settings, tmp_path) -> Iterator[None]:
    """Each test buffers into its own spool folder (or its own Redis keys) and salt cache."""
    settings.STATS_SPOOL_DIR = tmp_path / "spool"
    settings.STATS_REDIS_PREFIX = f"test:stats:{uuid.uuid4().hex}:"
    visitors.salts.forget()
    forget_sites()  # ids are reused after a rolled-back test
    yield
    visitors.salts.forget()
    forget_sites()
    if settings.STATS_BUFFER == "redis":
        client = buffer.get_buffer().client  # type: ignore[attr-defined]
        with contextlib.suppress(redis.RedisError):  # a test may point it nowhere on purpose
            for key in client.scan_iter(f"{settings.STATS_REDIS_PREFIX}*"):
                client.delete(key)


@pytest.fixture
def site(owner) -> Site:
    """Olivia's published site with five posts (one photo): only pages of its build count."""
    photo = make_photo(owner.user)
    process_pending()
    for number in range(5):
        save_post(
            owner=owner.user,
            source=Post.Source.UPLOAD,
            external_id=f"stats{number}",
            caption=f"Post {number}",
            taken_at=TAKEN + dt.timedelta(days=number),
            items=[NewItem(photo=photo)],
        )
    site = Site.objects.create(owner=owner.user, slug="olivia", title="Olivia's photos")
    publish_snapshot(site)
    return site


def post_path(site: Site, number: int = 0) -> str:
    """The page of the site's ``number``-th post (oldest first), as its pixel names it."""
    pk = Post.objects.filter(owner_id=site.owner_id).order_by("pk").values_list("pk", flat=True)
    return f"/{site.slug}/p/{pk[number]}/"


def browser_client(user_agent: str = PHONE, address: str = "192.0.2.10", **headers) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, **headers)


def view(client: Client, site: Site, path: str = "/olivia/", kind: str = "page", **extra):
    return client.get(f"/_m/v/{site.pk}.gif", {"p": path, "k": kind, **extra})


def total(site: Site, kind: str) -> int:
    return sum(
        DailyCount.objects.filter(site=site, kind=kind, dimension="total").values_list(
            "count", flat=True
        )
    )


def published_link(site: Site, label: str, url: str) -> SiteLink:
    """A link added to the site and published (clicks follow the published snapshot)."""
    link = site.links.create(label=label, url=url)
    publish_snapshot(site)
    return link


def publish_snapshot(site: Site) -> None:
    """What "Publish" makes live, and its build (counting reads both)."""
    Site.objects.filter(pk=site.pk).update(published=draft_snapshot(site))
    publish_site(site_id=site.pk)


@pytest.fixture
def site_link(site) -> SiteLink:
    return published_link(site, "My shop", "https://shop.example.com/olivia")
