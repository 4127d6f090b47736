"""Collections (issue #20): named, ordered sets of a site's posts, each with its own page at
``/<slug>/c/<name>/`` and, if the owner wants, a link on the home page.

This module holds the rules for a collection's URL name and what a build shows of the
published snapshot's collections: only the posts the site itself shows, so a hidden post, a
post hidden by moderation or one without a ready photo never appears on a collection's page
(P31). The owner's workflows are in ``collection_services``, their pages in
``collection_views``; the pages are rendered by ``render.SiteRenderer`` like tag pages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from mosaic.posts.models import Post
from mosaic.websites.models import Collection

if TYPE_CHECKING:
    from mosaic.websites.render import SiteRenderer

NAME_MAX = 40
#: Names that would read like one of the site's own pages or an action, not a collection.
RESERVED = frozenset({"all", "assets", "edit", "feed", "index", "new", "page", "search"})
#: What a published name may be: letters, digits, "-" and "_" (never "/" nor ".": a name is a
#: folder of the build and must not leave ``c/``).
SAFE = re.compile(r"[-\w]+")
#: At most this many collections per site, and posts per collection: pages stay light.
MAX_PER_SITE = 50
MAX_POSTS = 200
#: The export's file with the collections' data (beside their pages).
EXPORT_NAME = "collections.json"


def url_name(text: str) -> str:
    """The URL name for ``text``: lower case, words joined by hyphens, any alphabet."""
    return slugify(text, allow_unicode=True)


def name_from_title(title: str) -> str:
    """The URL name a title gives when the owner writes none: its slug, cut to ``NAME_MAX``."""
    return url_name(title)[:NAME_MAX].strip("-_")


def name_problem(site_id: int, name: str, *, exclude_id: int | None = None) -> str:
    """Why ``name`` (already through ``url_name``) cannot name a collection of the site, or
    "" when it can."""
    if not name:
        return _("The name needs at least one letter or digit.")
    if len(name) > NAME_MAX:
        return _("The name can be at most %(max)d characters long; this one has %(length)d.") % {
            "max": NAME_MAX,
            "length": len(name),
        }
    if name in RESERVED:
        return _("“%(name)s” is reserved. Please choose another name.") % {"name": name}
    taken = Collection.objects.filter(site_id=site_id, name=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        return _("Another collection of this site is called “%(name)s”.") % {"name": name}
    return ""


@dataclass
class Shown:
    """A collection as a build shows it: its posts are those the site shows, in its order."""

    name: str
    title: str
    home: bool
    posts: list[Post]


def shown(snapshot: dict[str, Any], by_id: dict[int, Post]) -> dict[str, Shown]:
    """The snapshot's collections by URL name, in their order, each with only the posts in
    ``by_id`` (the site's shown posts). A name that is not safe as a folder is skipped."""
    found: dict[str, Shown] = {}
    for data in snapshot.get("collections", []):
        name = str(data.get("name", ""))
        if not SAFE.fullmatch(name) or len(name) > NAME_MAX or name in found:
            continue
        posts = [by_id[pk] for pk in data.get("posts", []) if pk in by_id]
        title = str(data.get("title") or name)
        found[name] = Shown(name=name, title=title, home=bool(data.get("home")), posts=posts)
    return found


def export_data(renderer: SiteRenderer) -> bytes:
    """The collections of an export, as JSON: names, titles, home links and the posts they
    show, each with its page in the archive."""
    data = [
        {
            "name": kept.name,
            "title": kept.title,
            "on_home_page": kept.home,
            "page": f"c/{kept.name}/index.html",
            "posts": [{"id": post.pk, "page": f"p/{post.pk}/index.html"} for post in kept.posts],
        }
        for kept in renderer.collections.values()
    ]
    return json.dumps({"collections": data}, ensure_ascii=False, indent=2).encode()
