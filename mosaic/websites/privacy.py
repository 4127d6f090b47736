"""Personal-data category for websites (P05, P06, P07, P21, P31)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.websites.models import Site


@register
class SiteData(Category):
    key = "websites"
    order = 30  # before posts and photos: a site shows them
    title = _("Websites")
    description = _("Your sites: address, title, bio, theme, colour, link buttons and settings.")
    purpose = _("To publish your site.")
    legal_basis = _("Contract: you asked us to publish your site.")
    holdings = (
        Holding("websites.Site", ("owner", "slug", "title", "bio")),
        Holding("websites.SiteLink", ("label", "url")),
    )

    def retention(self) -> Text:
        return _("Until you delete the site or your account (after its quarantine).")

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "address": site.slug,
                "title": site.title,
                "bio": site.bio,
                "theme": site.theme,
                "accent": site.accent,
                "visibility": site.visibility,
                "hide_from_search": site.hide_from_search,
                "links": [{"label": link.label, "url": link.url} for link in site.links.all()],
            }
            for site in Site.objects.filter(owner=user).prefetch_related("links")
        ]

    def erase(self, user: User) -> int:
        count, _ = Site.objects.filter(owner=user).delete()
        return count


exempt("websites.Site", ("accent",), reason="A colour like #1d5fd1 chosen from a picker.")
