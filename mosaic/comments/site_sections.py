"""The comments below the photo on each photo page (a ``websites.sections`` plug-in, P22).

Static and without JavaScript: the published comments, each with its author's display name and
avatar (or initials), its text escaped with its line breaks, its date and a "Report" link; then
a plain link to the form on the app, which has the CSRF token and the sign-in a static page
cannot carry. Nothing on a private site (comments are refused there), nothing in the owner's
ZIP export (the people are not the owner's to copy, and the form would not work from disk).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from mosaic.comments.models import Comment, CommentSettings
from mosaic.comments.services import mode_of
from mosaic.profiles.identity import public_identities
from mosaic.websites.sections import register

if TYPE_CHECKING:
    from mosaic.posts.models import Post
    from mosaic.websites.render import SiteRenderer


def page_path(slug: str, post_id: int) -> str:
    """The photo page's address on Mosaic: where the form sends the person back (``next``)."""
    return f"/{slug}/p/{post_id}/"


def comments_section(renderer: SiteRenderer, posts: Sequence[Post]) -> dict[int, SafeString]:
    site = renderer.site
    if renderer.target.export or site.is_private or site.pk is None:
        return {}
    if mode_of(site) == CommentSettings.Mode.OFF:
        return {}
    comments = list(
        Comment.objects.shown()
        .filter(site=site)
        .only("pk", "post_id", "author_id", "text", "created_at")
        .order_by("created_at", "pk")
    )
    identities = public_identities({c.author_id for c in comments})
    by_post: dict[int, list[dict[str, object]]] = {}
    for comment in comments:
        by_post.setdefault(comment.post_id, []).append(
            {"comment": comment, "author": identities.get(comment.author_id)}
        )
    report_url = reverse("moderation:report", args=[site.pk])
    sections: dict[int, SafeString] = {}
    for post in posts:
        write = reverse("comments:write", args=[site.pk, post.pk])
        context = {
            "comments": [c for c in by_post.get(post.pk, []) if c["author"] is not None],
            "write_url": f"{write}?{urlencode({'next': page_path(site.slug, post.pk)})}",
            "report_url": report_url,
        }
        html = render_to_string("comments/site/_section.html", context)
        sections[post.pk] = SafeString(html)  # a template's output, escaped there
    return sections


register("comments", comments_section, order=50)
