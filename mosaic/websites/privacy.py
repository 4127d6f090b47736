"""Personal-data category for websites (P05, P07, P08, P21, P31)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import apply_to_due, keeps_accounts, sweep
from mosaic.websites import publishing
from mosaic.websites.exposure import refresh_media
from mosaic.websites.imports import accounts_holding_imports_without_site, drop_imports_without_site
from mosaic.websites.inactivity import act_on_inactive_site, sites_to_act_on
from mosaic.websites.models import Site
from mosaic.websites.services import erase_site, republish_owner_sites


@register
class SiteData(Category):
    key = "websites"
    order = 30  # before posts and photos: a site shows them
    title = _("Websites")
    description = _(
        "Your sites: address, title, bio, avatar, theme, colour, link buttons, social icons, "
        "contact card, search and sharing settings, collections, which photos show, and the "
        "published pages made from them."
    )
    purpose = _("To publish your site.")
    legal_basis = _("Contract: you asked us to publish your site.")
    holdings = (
        Holding(
            "websites.Site",
            (
                "owner",
                "slug",
                "title",
                "bio",
                "avatar",
                "socials",
                "contact",
                "search",
                "published",
                "timezone",
            ),
        ),
        Holding("websites.SiteLink", ("label", "url")),
        Holding("websites.SitePost", ("link_url", "link_label")),
        Holding("websites.Collection", ("name", "title")),
        Holding("websites.InactivityWarning", ()),
    )

    def retention(self) -> Text:
        return _("Until you delete the site or your account, then %(days)d days of quarantine.") % {
            "days": settings.PRIVACY_QUARANTINE_DAYS
        }

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
                "timezone": site.timezone,
                "links": [
                    {
                        "label": link.label,
                        "url": link.url,
                        "starts_at": link.starts_at.isoformat() if link.starts_at else None,
                        "ends_at": link.ends_at.isoformat() if link.ends_at else None,
                    }
                    for link in site.links.all()
                ],
                "photo_links": [
                    {"post_id": choice.post_id, "url": choice.link_url, "label": choice.link_label}
                    for choice in site.choices.all()
                    if choice.link_url
                ],
                "social_icons": site.socials,
                "contact_card": site.contact,
                "search_and_sharing": site.search,
                "collections": [
                    {
                        "name": kept.name,
                        "title": kept.title,
                        "on_home_page": kept.on_home,
                        "post_ids": [entry.post_id for entry in kept.entries.all()],
                    }
                    for kept in site.collections.all()
                ],
                "deleted_at": site.deleted_at.isoformat() if site.deleted_at else None,
            }
            for site in Site.objects.filter(owner=user).prefetch_related(
                "links", "choices", "collections__entries"
            )
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        sites = list(Site.objects.filter(owner__any=[user.pk for user in users]))
        for site in sites:
            erase_site(site=site)
        return len(sites)

    def quarantine(self, user: User) -> None:
        """P08: the account's sites go offline at once (410), their published files are
        deleted and no photo or video of theirs keeps a public copy (``websites.exposure``)."""
        for slug in Site.objects.filter(owner=user).values_list("slug", flat=True):
            publishing.unpublish_files(slug=slug)
        Site.objects.filter(owner=user).update(published_build="", publish_pending=False)
        refresh_media(owner_id=user.pk, expose=False)

    def restore(self, user: User) -> None:
        """P08: restored accounts get their sites back, rebuilt from the published snapshot
        (which brings the public copies back, under new names)."""
        republish_owner_sites(owner_id=user.pk)


@keeps_accounts
def owners_of_blocked_sites(now: dt.datetime) -> QuerySet[Any]:
    """P10: a site blocked less than ``PRIVACY_BLOCK_KEEP_DAYS`` ago keeps its owner's account
    whole (the site, its posts and photos are the evidence), however the owner asks to delete."""
    return Site.objects.filter(block_keep_until__gt=now).values("owner_id")


@sweep(
    name="websites.deleted_sites",
    promise="P08",
    help=(
        "Erases sites deleted by their owner more than PRIVACY_QUARANTINE_DAYS ago (their "
        "published files were deleted at deletion), with their links and choices; when it was "
        "the owner's last site, the posts imported for it go too (P05)."
    ),
)
def erase_deleted_sites(now: dt.datetime, dry_run: bool) -> int:
    due = Site.objects.filter(
        deleted_at__lt=now - dt.timedelta(days=settings.PRIVACY_QUARANTINE_DAYS)
    )
    return apply_to_due(due, _erase_with_imports, dry_run=dry_run)


def _erase_with_imports(site: Site) -> None:
    """P05: the owner's last site takes the content imported for it along."""
    erase_site(site=site)
    drop_imports_without_site(owner_id=site.owner_id)


@sweep(
    name="websites.imports_without_site",
    promise="P05",
    help=(
        "Deletes the imported posts (from Instagram or a data download), with their photos and"
        " videos, of accounts that have had no site for PRIVACY_IMPORTS_WITHOUT_SITE_DAYS since"
        " their last import. Uploaded posts stay."
    ),
)
def erase_imports_without_site(now: dt.datetime, dry_run: bool) -> int:
    """P05: imported content is kept only while a site exists."""
    due = accounts_holding_imports_without_site(now)
    return apply_to_due(
        due, lambda user: drop_imports_without_site(owner_id=user.pk), dry_run=dry_run
    )


exempt("websites.Site", ("accent",), reason="A colour like #1d5fd1 chosen from a picker.")


@sweep(
    name="inactive-sites",
    promise="P06",
    help=(
        "Emails a warning WEBSITES_INACTIVE_WARNING_DAYS (30 and 7) before, then deletes every"
        " site whose owner has not signed in or edited it for WEBSITES_INACTIVE_DAYS, with the"
        " posts and photos imported for it when the owner has no other site."
    ),
)
def warn_about_and_delete_inactive_sites(now: dt.datetime, dry_run: bool) -> int:
    """P06: warn, then delete, sites left alone for the inactivity period."""
    due = sites_to_act_on(now)
    return apply_to_due(due, partial(_act, now=now), dry_run=dry_run)


def _act(site: Site, *, now: dt.datetime) -> str:
    return act_on_inactive_site(site=site, now=now)


exempt("websites.Site", ("published_build",), reason="A build folder name: a time and random hex.")
exempt(
    "websites.SitePost",
    ("link_key",),
    reason="128 random bits naming a photo link in its click address (P31); about no one.",
)
exempt(
    "websites.SiteLink",
    ("key",),
    reason="128 random bits naming the link in its click address (P31); says nothing of anyone.",
)
