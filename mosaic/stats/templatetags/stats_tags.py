"""Template tags the served site pages use to be counted (P12). The addresses are relative to
the host: pages are served on the same host as ``/_m/`` (by the app, or by nginx passing
``/_m/`` on), so the pixel stays within the pages' ``img-src 'self'``; an exported copy carries
neither (``mosaic.websites.render``).

``{% stats_pixel site page_path kind %}`` renders the view beacon, e.g.
``{% stats_pixel site "/ana/" "page" %}`` or ``{% stats_pixel site photo_path "photo" %}``.
Its ``r`` parameter is the placeholder ``REFERRER_PLACEHOLDER``: whoever serves the page may
replace it with the host of the page's own Referer (nginx ``sub_filter``, or
``mosaic.stats.referrers.fill``), since an image's Referer is only the page showing it.

``{% link_href site link %}`` renders the address of a link button (a link of the site's
snapshot, with its random ``key``) that counts the click and redirects to the link's URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mosaic.stats.referrers import PLACEHOLDER
from mosaic.websites.models import Site

register = template.Library()


@register.simple_tag
def stats_pixel(site: Site, page_path: str, kind: str = "page") -> SafeString:
    query = urlencode({"p": page_path, "k": kind})
    url = f"{reverse('stats:view', args=[site.pk])}?{query}&r={PLACEHOLDER}"
    return format_html('<img src="{}" alt="" width="1" height="1" class="stats-pixel">', url)


@register.simple_tag
def link_href(site: Site, link: dict[str, Any]) -> str:
    """The click-counting address of a link button of the site's snapshot (plain data: id,
    key, label, url), named by its random key (P31)."""
    return reverse("stats:click", args=[site.pk, link["key"]])
