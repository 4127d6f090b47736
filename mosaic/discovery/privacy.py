"""Personal-data category for the directory (P18, P28): the copy of a listed site's words
that search looks through, the tags it is listed under, and its similar sites."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.discovery import schema
from mosaic.discovery.models import SearchEntry
from mosaic.lib.keys import delete_by_keys
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.websites.models import Site


@register
class DirectoryData(Category):
    key = "directory"
    order = 28  # before websites: its rows point at the sites
    title = _("Directory and search")
    description = _(
        "Only for sites you list in the directory: your choices (listed, sensitive content, "
        "similar sites), a copy of the site's published address, title, about text and "
        "hashtags for search, the tags it is listed under, and the sites shown as similar."
    )
    purpose = _("To let people find your site, because you asked for it.")
    legal_basis = _("Consent: you switch the listing on and off yourself.")
    holdings = (
        Holding("discovery.SearchEntry", ("name", "title", "bio", "tags")),
        Holding("discovery.SiteTag", ("key", "label")),
    )

    def retention(self) -> Text:
        return _(
            "While the site is listed. Switching the listing off, hiding, blocking or deleting "
            "the site takes it out of the directory at once; its copy is deleted within minutes."
        )

    def export(self, user: User) -> list[dict[str, Any]]:
        sites = Site.objects.filter(owner=user).order_by("pk").select_related("search_entry")
        out = []
        for site in sites:
            entry = getattr(site, "search_entry", None)
            out.append(
                {
                    "site": site.slug,
                    "listed": site.listed,
                    "sensitive": site.sensitive,
                    "recommendations": site.recommend,
                    "indexed": None
                    if entry is None
                    else {
                        "title": entry.title,
                        "about": entry.bio,
                        "hashtags": entry.tags.split(),
                        "tags": list(entry.site_tags.values_list("label", flat=True)),
                    },
                }
            )
        return out

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        entries = SearchEntry.objects.filter(site__owner__any=[user.pk for user in users])
        erased = delete_by_keys(entries)  # with their tags and similar sites
        schema.compact()  # P08: not even in the engine's index segments
        return erased

    def quarantine(self, user: User) -> None:
        """P08: out of the directory at once (``Site.objects.listed`` already leaves the
        account's sites out; this deletes the copies too)."""
        SearchEntry.objects.filter(site__owner=user).delete()


exempt("discovery.Similar", None, reason="Two site ids and a score computed from shared tags.")
