"""The directory's derived data: what search looks through, the tags a site is listed under,
and the similar sites computed for it. All of it is made from a listed site's *published*
pages (never its draft, never anything about visitors), and dropped when the site leaves the
directory; which sites may be shown is decided again on every page (``Site.objects.listed``),
so a stale row can never show a site that left (P28, P31).
"""

from __future__ import annotations

from django.db import models

from mosaic.websites.models import Site


class SearchEntry(models.Model):
    """One listed site as search sees it: its words folded (``text.fold``). The engine's own
    index (SQLite FTS5 or a PostgreSQL ``tsvector`` column with a GIN index, ``schema``) is
    kept in step with this row by the database itself, so deleting the row (or the site)
    removes the site from the index in the same transaction."""

    site = models.OneToOneField(
        Site, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    name = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    bio = models.TextField(blank=True)
    tags = models.TextField(blank=True, help_text="Hashtags and directory tags, space separated.")
    #: ``Site.published_at`` when this row was made: a later publish makes it stale.
    published_at = models.DateTimeField()
    indexed_at = models.DateTimeField(auto_now=True)
    #: When the similar sites were last computed (null: never, or due again).
    similar_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.name


class SiteTag(models.Model):
    """A tag a listed, non-sensitive site appears under in ``/explore/`` and that similar
    sites are computed from: one of its most used hashtags, never a sensitive one (P18)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="site_tags")
    key = models.CharField(max_length=100)
    label = models.CharField(max_length=100)
    posts = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "key"], name="discovery_one_tag_per_site")
        ]
        indexes = [models.Index(fields=["key", "entry"], name="discovery_tag_key")]

    def __str__(self) -> str:
        return self.key


class Similar(models.Model):
    """A site recommended on another (P18): computed from shared tags only."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="similar")
    other = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "other"], name="discovery_one_similar")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} ~ {self.other_id}"
