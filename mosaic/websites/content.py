"""What a site shows: the snapshot of its draft, and its posts in the owner's order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from mosaic.posts.models import Post
from mosaic.websites import contact, search, socials
from mosaic.websites.models import Collection, Site, SiteLink, SitePost


def draft_snapshot(site: Site) -> dict[str, Any]:
    """Everything "Publish" makes live, as JSON: the editable fields, the links and the choice
    of posts. Choices are kept per post id, so posts added later still appear (unpinned)."""
    choices = list(SitePost.objects.filter(site=site))
    icons = socials.shown(site.socials)
    post_links = {
        str(c.post_id): {"key": c.link_key, "url": c.link_url, "label": c.link_label}
        for c in sorted(choices, key=lambda c: c.post_id)
        if c.link_url
    }
    snapshot: dict[str, Any] = {
        "title": site.title,
        "bio": site.bio,
        "avatar": site.avatar_id,
        "theme": site.theme,
        "accent": site.accent,
        "links": [_link(link) for link in site.links.order_by("position", "id")],
        "hidden": sorted(c.post_id for c in choices if c.hidden),
        "pinned": sorted(c.post_id for c in choices if c.pinned),
        "keys": {str(c.post_id): c.sort_key for c in choices if c.sort_key is not None},
    }
    if icons:  # only when there are some: older published snapshots have no such key
        snapshot["socials"] = icons
    if card := contact.published(site.contact):
        snapshot["contact"] = card
    if post_links:  # the same: only a site with photo links carries them
        snapshot["post_links"] = post_links
    seo = search.shown(site.search)
    if seo:  # the same: only when the owner set something (``websites.search``)
        snapshot["search"] = seo
    if sets := collections_snapshot(site):  # the same: only a site with collections
        snapshot["collections"] = sets
    return snapshot


def collections_snapshot(site: Site) -> list[dict[str, Any]]:
    """The site's collections in their order, each with its posts' ids in theirs."""
    return [
        {
            "name": kept.name,
            "title": kept.title,
            "home": kept.on_home,
            "posts": [entry.post_id for entry in kept.entries.all()],
        }
        for kept in Collection.objects.filter(site=site).prefetch_related("entries")
    ]


def _link(link: SiteLink) -> dict[str, Any]:
    data: dict[str, Any] = {"id": link.pk, "key": link.key, "label": link.label, "url": link.url}
    # Only a scheduled link carries its times, so unscheduled snapshots stay as they were.
    if link.starts_at is not None:
        data["starts"] = link.starts_at.isoformat()
    if link.ends_at is not None:
        data["ends"] = link.ends_at.isoformat()
    return data


def _boundaries(link: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
    starts, ends = link.get("starts"), link.get("ends")
    return (
        dt.datetime.fromisoformat(starts) if starts else None,
        dt.datetime.fromisoformat(ends) if ends else None,
    )


def active_links(snapshot: dict[str, Any], now: dt.datetime) -> list[dict[str, Any]]:
    """The snapshot's links a page built at ``now`` shows: unscheduled ones, and scheduled ones
    from their start (inclusive) until their end (exclusive)."""
    shown = []
    for link in snapshot.get("links", []):
        starts, ends = _boundaries(link)
        if (starts is None or starts <= now) and (ends is None or now < ends):
            shown.append(link)
    return shown


def next_link_change(snapshot: dict[str, Any], now: dt.datetime) -> dt.datetime | None:
    """The first start or end after ``now``: when a page built now stops being right."""
    later = [
        moment
        for link in snapshot.get("links", [])
        for moment in _boundaries(link)
        if moment is not None and moment > now
    ]
    return min(later, default=None)


def has_unpublished_changes(site: Site) -> bool:
    return site.published != draft_snapshot(site)


def sort_key(post: Post, keys: dict[str, int]) -> int:
    key = keys.get(str(post.pk))
    return key if key is not None else int(post.taken_at.timestamp())


def arrange(
    posts: Iterable[Post], snapshot: dict[str, Any], *, include_hidden: bool = False
) -> list[Post]:
    """Pinned posts first, then the others; each group by its key (newest first)."""
    hidden = set(snapshot.get("hidden", ()))
    pinned = set(snapshot.get("pinned", ()))
    keys: dict[str, int] = snapshot.get("keys", {})
    shown = [post for post in posts if include_hidden or post.pk not in hidden]
    return sorted(shown, key=lambda post: (post.pk not in pinned, -sort_key(post, keys), -post.pk))
