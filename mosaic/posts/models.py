"""Posts: what an owner published on Instagram (or uploaded), with its caption, date and items.

A post has one or more items in order (a carousel has several); an item is a photo, or a video
with its poster photo. Photos are ``mosaic.photos`` photos, so every image goes through the one
pipeline. A post imported from Instagram remembers its Instagram id, which makes every import
idempotent: importing the same media again updates the post instead of adding one.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mosaic.photos.models import Photo, owner_url
from mosaic.photos.storage import public_storage

ALT_TEXT_MAX = 500
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
_TAG_OR_MENTION = re.compile(r"(?<!\w)[#@][\w.]+")


def caption_alt(caption: str, limit: int = 150) -> str:
    """The first sentence of a caption, without hashtags or mentions, as a stand-in alt text
    (at most ``limit`` characters, cut at a word)."""
    text = " ".join(_TAG_OR_MENTION.sub(" ", caption).split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first


class PostQuerySet(models.QuerySet["Post"]):
    def with_items(self) -> PostQuerySet:
        """Everything a page needs to draw posts and their photos, in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch(
                "items",
                queryset=PostItem.objects.select_related("photo__original", "video")
                .prefetch_related("photo__original__variants")
                .order_by("position"),
            )
        )

    def tagged(self, key: str) -> PostQuerySet:
        """Posts carrying a hashtag, by its key (``hashtags.tag_key``)."""
        return self.filter(hashtag_keys__contains=f" {key} ")


class Post(models.Model):
    class Source(models.TextChoices):
        INSTAGRAM = "instagram", _("Instagram")
        ARCHIVE = "archive", _("Instagram data download")
        UPLOAD = "upload", _("Upload")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="Instagram's media id, or a stable key of the post in a data download.",
    )
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True, help_text="As written, in order.")
    # " tag1 tag2 " (keys, space-delimited): a plain LIKE finds a tag on every database.
    hashtag_keys = models.TextField(blank=True, editable=False)
    taken_at = models.DateTimeField()
    permalink = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: Hidden by moderation (mosaic.moderation): on no site, whatever the owner chooses.
    hidden_by_moderation_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"],
                condition=~Q(external_id=""),
                name="posts_post_unique_external_id",
            )
        ]
        indexes = [models.Index(fields=["owner", "-taken_at"], name="posts_post_owner_taken")]

    def __str__(self) -> str:
        return f"post {self.pk} of {self.taken_at:%Y-%m-%d}"

    @property
    def cover(self) -> PostItem | None:
        """The first item (uses the prefetch of ``with_items()``)."""
        items = list(self.items.all())
        return items[0] if items else None


class Video(models.Model):
    """A video file, served as it was imported under a random name (P05: stored only while a
    post uses it). Its poster frame is the item's photo. P31: it lives in the guarded storage;
    while a public site shows it, a copy is in the public storage under ``public_name``, a fresh
    random name each time (``posts.exposure``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos"
    )
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=200, unique=True, help_text="Name in the guarded storage.")
    public_name = models.CharField(
        max_length=200, blank=True, help_text="P31: the public copy's name, while there is one."
    )
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="posts_video_unique_file")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        """The public copy's address, or the owner-checked one while there is none (P31)."""
        return public_storage().url(self.public_name) if self.public_name else owner_url(self.name)


class PostItem(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        VIDEO = "video", _("Video")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    external_id = models.CharField(max_length=100, blank=True)
    photo = models.ForeignKey(
        Photo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="post_items",
        help_text="The image, or a video's poster frame.",
    )
    video = models.ForeignKey(
        Video, null=True, blank=True, on_delete=models.PROTECT, related_name="post_items"
    )
    # Per item, not per photo: a description depends on the post it is read in (the same file
    # can be in two posts), it is the post's data (erased and exported with it), and the
    # caption that stands in for it is the post's. Empty: the owner wrote none.
    alt_text = models.TextField(
        max_length=ALT_TEXT_MAX,
        blank=True,
        help_text="Written by the owner; empty means the caption's first sentence stands in.",
    )

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="posts_item_unique_position"),
            models.CheckConstraint(
                condition=Q(kind="image", photo__isnull=False, video__isnull=True)
                | Q(kind="video", video__isnull=False),
                name="posts_item_has_its_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.position} of post {self.post_id}"

    @property
    def is_video(self) -> bool:
        return self.kind == self.Kind.VIDEO

    @property
    def alt_from_caption(self) -> bool:
        """No alt text of the owner's: the caption's first sentence stands in."""
        return not self.alt_text.strip()

    @property
    def alt(self) -> str:
        """The photo's text alternative: the owner's, else the caption's first sentence (uses
        ``post``; "" when there is neither, for the caller's fallback)."""
        return " ".join(self.alt_text.split()) or caption_alt(self.post.caption)


class Comment(models.Model):
    """A comment on an imported post, as Instagram gave it (only where the token's scope
    allows reading comments)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    external_id = models.CharField(max_length=100)
    author = models.CharField(max_length=100, blank=True, help_text="Instagram username.")
    text = models.TextField()
    commented_at = models.DateTimeField()

    class Meta:
        ordering = ["commented_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "external_id"], name="posts_comment_unique")
        ]

    def __str__(self) -> str:
        return f"comment {self.external_id} on post {self.post_id}"
