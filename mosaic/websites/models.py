"""Websites: an owner's personal mobile sites, each at ``/<slug>/``.

The editable fields of a site (title, bio, avatar, theme, accent, links and the choice of posts)
are its **draft**. Publishing copies them into ``published`` (a snapshot), and the static
files are rendered from that snapshot, so editing never changes what visitors see until the
owner presses "Publish". The address, visibility and the search switch are not drafts: they
decide who may see the site (P21, P31), so they take effect at once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mosaic.photos.models import Photo
from mosaic.posts.models import Post

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


class PublishedAvatar(Func):
    """The photo id a published snapshot names as its avatar (its ``"avatar"`` key), indexed
    (``websites_site_published_avatar``) so the photos app can ask which sites still name a
    photo (``websites.avatars``) without reading every snapshot. The key is written into the
    SQL, not passed as a parameter, and cast to an integer: SQLite uses an expression index only
    for the very same expression, and only with the affinity of the photo's id it is compared
    with."""

    arity = 1
    output_field = models.BigIntegerField()
    template = "CAST(JSON_EXTRACT(%(expressions)s, '$.avatar') AS INTEGER)"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        template = "((%(expressions)s ->> 'avatar'))::bigint"
        return self.as_sql(compiler, connection, template=template, **extra)


def published_avatar() -> PublishedAvatar:
    return PublishedAvatar("published")


class SiteQuerySet(models.QuerySet["Site"]):
    def live(self) -> SiteQuerySet:
        """Sites not deleted (a deleted site stays in quarantine, P08)."""
        return self.filter(deleted_at__isnull=True)

    def online(self) -> SiteQuerySet:
        """Sites that may be shown at all: not deleted, not blocked by moderation, and their
        account neither in quarantine (P08) nor blocked (inactive, P10) nor suspended by its
        organization (C8). The one place that says so for queries (``Site.is_offline`` for
        one site): every use follows, the media exposure included (``websites.exposure``)."""
        return self.live().filter(
            blocked_at__isnull=True,
            plan_paused_at__isnull=True,
            owner__scheduled_deletion_at__isnull=True,
            owner__is_active=True,
            owner__org_membership__suspended_at__isnull=True,  # C8: suspended by their org
        )

    def indexable(self) -> SiteQuerySet:
        """P21, P31: published public sites whose owner allows search engines (and whose
        account is not in quarantine): the only ones any sitemap may name."""
        return self.online().filter(
            visibility="public", hide_from_search=False, published_at__isnull=False
        )

    def listed(self) -> SiteQuerySet:
        """P28, P31: online, published, public sites whose owner chose "List my site in the
        directory": the only sites the directory, search and recommendations (mosaic.discovery)
        may show, checked when they are shown, so switching off takes effect at once."""
        return self.online().filter(visibility="public", published_at__isnull=False, listed=True)


class Site(models.Model):
    class Theme(models.TextChoices):
        GRID = "grid", _("Grid")
        FEED = "feed", _("Feed")
        MAGAZINE = "magazine", _("Magazine")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        UNLISTED = "unlisted", _("Unlisted: only people with the address")
        PRIVATE = "private", _("Private: only you")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sites"
    )
    slug = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=100)
    bio = models.TextField(max_length=500, blank=True)
    avatar = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    theme = models.CharField(max_length=16, choices=Theme.choices, default=Theme.GRID)
    accent = models.CharField(max_length=7, default="#1d5fd1")
    #: the social icons: network key -> address (``socials.clean``), part of the draft
    socials = models.JSONField(default=dict, blank=True)
    #: the contact card's published fields (``contact.FIELDS``), part of the draft
    contact = models.JSONField(default=dict, blank=True)
    #: search and sharing settings (``websites.search``): title, description, share image id
    search = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    hide_from_search = models.BooleanField(default=False)
    # P28: being findable is the owner's choice, off by default (mosaic.discovery).
    listed = models.BooleanField(default=False)
    # The owner's mark: kept out of the directory and recommendations (still found by search).
    sensitive = models.BooleanField(default=False)
    # P18: "similar sites" of and to this site (only while listed and not sensitive).
    recommend = models.BooleanField(default=True)
    # Per site, not per account: a site's schedule is for its audience, and the account has no
    # time zone of its own. Only reads and writes of the owner's local times use it; the times
    # themselves are stored as instants (UTC), so changing it moves no link.
    timezone = models.CharField(
        max_length=64, default="UTC", help_text="The owner's time zone for scheduled links."
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language of the site's own words; the owner's when it was created.",
    )
    published = models.JSONField(
        null=True, blank=True, help_text="The snapshot of the draft that visitors see."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_build = models.CharField(
        max_length=64, blank=True, help_text="Folder of the build being served."
    )
    # Set when a publish is requested and cleared when the task starts, so a burst of changes
    # (an import of 600 posts) queues one publish, not 600.
    publish_pending = models.BooleanField(default=False)
    # The last publish failed (the previous build stays online); cleared by the next success.
    publish_failed_at = models.DateTimeField(null=True, blank=True)
    # When a scheduled link of the published build starts or ends next (set by each build):
    # the scheduler republishes the site then (``services.republish_due_links``).
    next_link_change_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="P08: offline, erased after quarantine."
    )
    blocked_at = models.DateTimeField(
        null=True, blank=True, help_text="P10: blocked by moderation (mosaic.moderation)."
    )
    #: Offline because the owner's plan allows fewer sites (a downgrade, ``websites.plans``);
    #: nothing of it is deleted, and the owner chooses which sites stay online.
    plan_paused_at = models.DateTimeField(null=True, blank=True)
    #: P10: kept whole until then, however its owner asks to delete (fixed at the block).
    block_keep_until = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # P06: the owner's last edit (not a republish after a sync), one half of "activity".
    edited_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The sites whose files may be public, by owner (``exposure.public_sites``): the
            # self-audit asks it of a window of photos at a time (P31).
            models.Index(
                fields=["owner"],
                condition=models.Q(
                    published__isnull=False,
                    deleted_at__isnull=True,
                    blocked_at__isnull=True,
                    visibility="public",
                ),
                name="websites_site_public",
            ),
            # The directory's newest listed sites (mosaic.discovery) without sorting them all.
            models.Index(fields=["listed", "-published_at"], name="websites_site_listed"),
            # The published avatar a photo is named as (P07: ``websites.avatars``).
            models.Index(published_avatar(), name="websites_site_published_avatar"),
        ]

    def __str__(self) -> str:
        return self.slug

    def editor_url(self, section: str = "") -> str:
        """The owner's editor of this site, with ``section`` (a fold's id: "links",
        "comments", ...) unfolded and scrolled to, as after saving that section's form."""
        url = reverse("websites:edit", args=[self.pk])
        return f"{url}?open={section}#{section}" if section else url

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def indexable(self) -> bool:
        """P21: only a public site its owner has not hidden from search engines."""
        return self.visibility == self.Visibility.PUBLIC and not self.hide_from_search

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_offline(self) -> bool:
        """Deleted, or blocked, or paused by its owner's plan, or its account is in quarantine
        (P08) or blocked (P10): the address answers 410."""
        return (
            self.is_deleted
            or self.blocked_at is not None
            or self.plan_paused_at is not None
            or self.owner.in_quarantine
            or not self.owner.is_active
            or self.owner_suspended_by_organization()
        )

    def owner_suspended_by_organization(self) -> bool:
        """C8: the owner's organization suspended them (``organizations`` is below websites;
        the reverse relation is read by name)."""
        membership = getattr(self.owner, "org_membership", None)
        return membership is not None and membership.suspended_at is not None


def new_link_key() -> str:
    """128 random bits, URL-safe: a link's click address cannot be guessed from another's."""
    return secrets.token_urlsafe(16)


class SiteLink(models.Model):
    """A link button on a site (http, https, mailto or tel only).

    ``key`` names it in its click address (``/_m/c/<site>/<key>/``, P31): random, so knowing one
    site's or link's address tells nothing about another's.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="links")
    key = models.CharField(max_length=32, unique=True, default=new_link_key, editable=False)
    label = models.CharField(max_length=60)
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    #: Optional schedule: the published pages show the link only from ``starts_at`` (inclusive)
    #: until ``ends_at`` (exclusive), republished at each boundary.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["site", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="websites_link_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def schedule_state(self, now: dt.datetime) -> str:
        """ "always", "scheduled" (not started yet), "live" (within its times) or "ended"."""
        if self.starts_at is None and self.ends_at is None:
            return "always"
        if self.starts_at is not None and now < self.starts_at:
            return "scheduled"
        if self.ends_at is not None and now >= self.ends_at:
            return "ended"
        return "live"


class InactivityWarning(models.Model):
    """P06: a warning emailed before an inactive site's deletion, one per (deadline, lead).

    The deadline is part of the key: an owner who comes back moves the deadline, and a later
    spell of inactivity is warned about afresh. The warning counts from ``delivered_at``, when
    the mail server took it (copied from its ``delivery``), never from when it was written.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="inactivity_warnings")
    deadline = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    delivery = models.ForeignKey(
        "mail.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "deadline", "days_before"], name="websites_inactivity_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.days_before} days before {self.deadline:%Y-%m-%d}"


class SitePost(models.Model):
    """The owner's choice for one post on one site. A post without a row is shown, unpinned, in
    date order, so new posts appear on their own."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="choices")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    hidden = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    # Order: higher first. Unset means the post's date (as a Unix timestamp), so a moved post
    # keeps its place among newer and older ones.
    sort_key = models.BigIntegerField(null=True, blank=True)
    #: One outside link for the post on this site (draft, like the links), shown as a button on
    #: its photo page; clicks go through ``/_m/c/<site>/<link_key>/`` like link buttons (P31).
    link_url = models.CharField(max_length=500, blank=True)
    link_label = models.CharField(max_length=60, blank=True)
    link_key = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "post"], name="websites_sitepost_unique")
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} on site {self.site_id}"


class Collection(models.Model):
    """A named, ordered set of a site's posts with its own page at ``c/<name>/`` and, if the
    owner wants, a link on the home page. The rows are the draft, like the links: publishing
    copies them into the snapshot (``content.collections_snapshot``)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="collections")
    #: the URL name (``collection.url_name``): a slug of the title unless the owner wrote one
    name = models.CharField(max_length=40)
    title = models.CharField(max_length=80)
    #: the order of the collections, and of their links on the home page
    position = models.PositiveSmallIntegerField(default=0)
    on_home = models.BooleanField(default=False)

    class Meta:
        ordering = ["site", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="websites_collection_name")
        ]

    def __str__(self) -> str:
        return self.title


class CollectionPost(models.Model):
    """One post of a collection, at its place (the owner's order, first is 0)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["collection", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "post"], name="websites_collection_post_once"
            )
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} in collection {self.collection_id}"
