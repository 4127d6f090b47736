"""Template tags the site pages use to be counted (P12), absolute from ``SITE_URL`` so that a
static copy of a site hosted elsewhere still counts while it is online.

``{% stats_pixel site page_path kind %}`` renders the view beacon, e.g.
``{% stats_pixel site "/ana/" "page" %}`` or ``{% stats_pixel site photo_path "photo" %}``.
Its ``r`` parameter is the placeholder ``REFERRER_PLACEHOLDER``: whoever serves the page may
replace it with the host of the page's own Referer (nginx ``sub_filter``, or
``mosaic.stats.referrers.fill``), since an image's Referer is only the page showing it.

``{% link_href site link %}`` renders the address of a link button that counts the click and
redirects to the link's URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mosaic.stats.referrers import PLACEHOLDER
from mosaic.websites.models import Site, SiteLink

register = template.Library()


@register.simple_tag
def stats_pixel(site: Site, page_path: str, kind: str = "page") -> SafeString:
    query = urlencode({"p": page_path, "k": kind})
    url = f"{settings.SITE_URL}{reverse('stats:view', args=[site.pk])}?{query}&r={PLACEHOLDER}"
    return format_html('<img src="{}" alt="" width="1" height="1" class="stats-pixel">', url)


@register.simple_tag
def link_href(site: Site, link: SiteLink) -> str:
    return f"{settings.SITE_URL}{reverse('stats:click', args=[site.pk, link.pk])}"
