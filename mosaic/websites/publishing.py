"""Publishing: render a site's published snapshot to static files and switch to them atomically.

Layout under ``WEBSITES_PUBLISHED_ROOT`` (default: ``sites`` beside ``MEDIA_ROOT``)::

    <slug>/<build>/index.html, p/<id>/index.html, t/<tag>/index.html, assets/site.<hash>.css,
                   robots.txt, sitemap.xml (public sites not hidden from search only)
    <slug>/current -> <build>   only for public, indexable sites: nginx serves these directly;
                                every other site goes through the app (owner check, noindex)

1. Render every file into a fresh build folder (``.tmp-<build>`` while it is written).
2. Rename it to ``<build>``, then point ``Site.published_build`` at it (the app serves what the
   database names) and swap the ``current`` link with an atomic rename.
3. Delete older builds. If anything before step 2 fails, the previous build stays online, and
   ``services.run_publish`` records the failure for the owner's panel.

Removing a post does not wait for the next build (P07, ``withdraw_post``): its page and its cards
on the home and tag pages leave the served build at once, whatever the next build does.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mosaic.websites.exposure import refresh_media
from mosaic.websites.models import Site
from mosaic.websites.render import SiteRenderer, Target

log = logging.getLogger(__name__)


def published_root() -> Path:
    configured = getattr(settings, "WEBSITES_PUBLISHED_ROOT", "")
    return Path(configured or Path(settings.MEDIA_ROOT).parent / "sites")


def site_folder(slug: str) -> Path:
    return published_root() / slug


def build_folder(site: Site) -> Path | None:
    if not site.published_build:
        return None
    return site_folder(site.slug) / site.published_build


def page_exists(slug: str, build: str, path: str) -> bool:
    """Whether ``path`` (``/<slug>/...``, as a page's counting pixel names it) is a page of the
    site's build: the only paths statistics count (P12: nobody can fill an owner's figures
    with invented pages)."""
    prefix = f"/{slug}/"
    if not build or not path.startswith(prefix) or not path.endswith("/"):
        return False
    rest = unquote(path.removeprefix(prefix))
    parts = rest.split("/")[:-1]
    if any(not part or part.startswith(".") for part in parts) or "\\" in rest or "\0" in rest:
        return False
    return (site_folder(slug) / build / rest / "index.html").is_file()


def served_target(site: Site) -> Target:
    """P31: a private site's pages refer to images through the owner-checked route only."""
    return Target(images="guarded" if site.is_private else "public")


def publish_site(*, site_id: int) -> str | None:
    """Render and switch to a new build of the site's published snapshot. Returns the build
    name, or None when there is nothing to publish (never published, deleted, quarantined)."""
    site = Site.objects.select_related("owner").filter(pk=site_id).first()
    if site is None or site.published is None or site.is_offline():
        return None
    refresh_media(owner_id=site.owner_id)  # P31: public copies for what public sites show
    renderer = SiteRenderer(site=site, snapshot=site.published, target=served_target(site))
    build = f"{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    folder = site_folder(site.slug)
    temporary = folder / f".tmp-{build}"
    try:
        for path in renderer.paths():
            content = renderer.render(path)
            if content is None:
                continue
            target = temporary / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.replace(temporary, folder / build)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    with transaction.atomic():
        # Serialise switches of one site; a site renamed or deleted meanwhile drops this build.
        current = Site.objects.select_for_update().filter(pk=site.pk).first()
        if current is None or current.slug != site.slug or current.is_offline():
            shutil.rmtree(folder / build, ignore_errors=True)
            return None
        Site.objects.filter(pk=site.pk).update(
            published_build=build, next_link_change_at=renderer.next_change
        )
        current.published_build = build
        _link_current(current)
        _remove_old_builds(folder, keep=build)
    return build


def _link_current(site: Site) -> None:
    folder = site_folder(site.slug)
    link = folder / "current"
    if site.indexable and site.published_build:
        staged = folder / f".current-{secrets.token_hex(4)}"
        staged.symlink_to(site.published_build)
        os.replace(staged, link)
    else:
        link.unlink(missing_ok=True)


def refresh_current_link(*, site: Site) -> None:
    """After a visibility change: only public, indexable sites are served by nginx directly."""
    if site_folder(site.slug).exists():
        _link_current(site)


def _remove_old_builds(folder: Path, *, keep: str) -> None:
    for child in folder.iterdir():
        if child.name in (keep, "current") or child.is_symlink():
            continue
        if child.name.startswith(".tmp-"):
            continue  # another publish is writing it; it cleans up after itself
        shutil.rmtree(child, ignore_errors=True)


def unpublish_files(*, slug: str) -> None:
    """P07, P08: remove every published file of the site at this address."""
    shutil.rmtree(site_folder(slug), ignore_errors=True)


def move_files(*, old_slug: str, new_slug: str) -> None:
    """The address changed: the builds move with it (rename keeps ``current`` valid)."""
    old, new = site_folder(old_slug), site_folder(new_slug)
    if old.exists():
        if new.exists():
            shutil.rmtree(new, ignore_errors=True)
        new.parent.mkdir(parents=True, exist_ok=True)
        os.replace(old, new)


def withdraw_post(*, owner_id: int, post_id: int) -> None:
    """P07: take a removed post out of every served build of the owner's sites at once: its page
    folder goes, and its card (``data-post``) is cut from the home, page, tag and collection
    pages, each rewritten with an atomic rename. The next build renders without it anyway;
    this makes the removal hold even if that build fails or has not run yet."""
    card = re.compile(rf'<li class="card[^"]*" data-post="{post_id}">.*?</li>'.encode(), re.S)
    builds = Site.objects.filter(owner_id=owner_id).exclude(published_build="")
    for slug, build in builds.values_list("slug", "published_build"):
        folder = site_folder(slug) / build
        shutil.rmtree(folder / "p" / str(post_id), ignore_errors=True)
        listing = [folder / "index.html", *folder.glob("page/*/index.html")]
        for page in [*listing, *folder.glob("t/*/index.html"), *folder.glob("c/*/index.html")]:
            _cut(page, card)


def _cut(page: Path, pattern: re.Pattern[bytes]) -> None:
    staged = page.with_name(f".{page.name}-{secrets.token_hex(4)}")
    try:
        content = page.read_bytes()
        trimmed = pattern.sub(b"", content)
        if trimmed != content:
            staged.write_bytes(trimmed)
            os.replace(staged, page)
    except FileNotFoundError:
        staged.unlink(missing_ok=True)  # a newer build replaced this one meanwhile
