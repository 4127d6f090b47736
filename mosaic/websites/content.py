"""What a site shows: the snapshot of its draft, and its posts in the owner's order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mosaic.posts.models import Post
from mosaic.websites import contact, socials
from mosaic.websites.models import Site, SitePost


def draft_snapshot(site: Site) -> dict[str, Any]:
    """Everything "Publish" makes live, as JSON: the editable fields, the links and the choice
    of posts. Choices are kept per post id, so posts added later still appear (unpinned)."""
    choices = list(SitePost.objects.filter(site=site))
    icons = socials.shown(site.socials)
    snapshot: dict[str, Any] = {
        "title": site.title,
        "bio": site.bio,
        "avatar": site.avatar_id,
        "theme": site.theme,
        "accent": site.accent,
        "links": [
            {"id": link.pk, "key": link.key, "label": link.label, "url": link.url}
            for link in site.links.order_by("position", "id")
        ],
        "hidden": sorted(c.post_id for c in choices if c.hidden),
        "pinned": sorted(c.post_id for c in choices if c.pinned),
        "keys": {str(c.post_id): c.sort_key for c in choices if c.sort_key is not None},
    }
    if icons:  # only when there are some: older published snapshots have no such key
        snapshot["socials"] = icons
    if card := contact.published(site.contact):
        snapshot["contact"] = card
    return snapshot


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
