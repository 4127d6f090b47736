"""``{% comments_choice site open %}``: the comments section of the site editor (its form posts to
this app), so the editor's template names the section and ``websites`` imports nothing. ``open`` is
the editor's unfolded section: this one is a fold too, with the id "comments"."""

from __future__ import annotations

from typing import Any

from django import template

from mosaic.comments.forms import ModeForm
from mosaic.comments.models import Comment
from mosaic.comments.services import mode_of
from mosaic.websites.models import Site

register = template.Library()


@register.inclusion_tag("comments/panel/_editor_section.html")
def comments_choice(site: Site, open_section: str = "") -> dict[str, Any]:
    return {
        "site": site,
        "open": open_section,
        "form": ModeForm(initial={"mode": mode_of(site)}, auto_id="comments-%s"),
        "held": Comment.objects.filter(site=site, status=Comment.Status.HELD).count(),
    }
