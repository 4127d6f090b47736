"""Extension point: sections that other apps add below the photo on each photo page.

``websites`` sits below the apps that add something to a public page (comments), so it never
imports them. Instead an app declares a provider in its ``site_sections.py`` (a plug-in,
imported by ``WebsitesConfig.ready`` for every installed app, see docs/architecture.md)::

    from mosaic.websites.sections import register

    def comments(renderer, posts):
        return {post.pk: render_to_string(...) for post in posts}

    register("comments", comments, order=50)

A provider is called once per build (lazily, on the first photo page rendered) with the
renderer and every post the site shows, so it reads what it needs for the whole site in a few
queries, and returns HTML for the posts it has something for. It decides what to show on each
target (``renderer.target``: a served build, the owner's preview, an export) and must keep
the site's promises: no JavaScript, no cookie, nothing from a private site shown elsewhere.
A provider that is not registered (its app not installed) adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from mosaic.posts.models import Post
    from mosaic.websites.render import SiteRenderer

Provider = Callable[["SiteRenderer", "Sequence[Post]"], dict[int, SafeString]]


@dataclass(frozen=True)
class Section:
    key: str
    provider: Provider
    order: int


_sections: dict[str, Section] = {}


def register(key: str, provider: Provider, *, order: int = 50) -> None:
    """Add a section to every photo page; registering a key again replaces it (a reload)."""
    _sections[key] = Section(key=key, provider=provider, order=order)


def post_sections(renderer: SiteRenderer, posts: Sequence[Post]) -> dict[int, list[SafeString]]:
    """Each post's sections (by post id), in the providers' order."""
    shown: dict[int, list[SafeString]] = {}
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        for post_id, html in section.provider(renderer, posts).items():
            shown.setdefault(post_id, []).append(html)
    return shown


def for_post(renderer: SiteRenderer, post: Post) -> list[SafeString]:
    """The sections of one post's page; every provider is asked on the first photo page of a
    build, for all its posts, and the answers kept on the renderer (``renderer.sections``)."""
    if renderer.sections is None:
        renderer.sections = post_sections(renderer, renderer.posts)
    return renderer.sections.get(post.pk, [])
