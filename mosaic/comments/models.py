"""Mosaic members' comments on the photo pages of sites whose owner allows them (C10, P22).

Not the comments imported from Instagram (``posts.Comment``): these are written on Mosaic by
signed-in people, under their display name and avatar, after a notice they confirmed once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentSettings(models.Model):
    """The owner's choice for one site; a site without a row takes no comments. Kept here,
    keyed to the site, so ``websites`` knows nothing of comments."""

    class Mode(models.TextChoices):
        OFF = "off", _("No comments")
        AT_ONCE = "at-once", _("Comments appear at once")
        HOLD = "hold", _("Comments wait for my approval")

    site = models.OneToOneField(
        "websites.Site", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"comments of site {self.site_id}: {self.mode}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def shown(self) -> CommentQuerySet:
        """P22, P08: published, and by an account that is neither in quarantine nor blocked:
        the only comments a page may show."""
        return self.filter(
            status=Comment.Status.PUBLISHED,
            author__is_active=True,
            author__scheduled_deletion_at__isnull=True,
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("waiting for approval")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden by the site's owner")
        REMOVED = "removed", _("removed by moderation")

    site = models.ForeignKey("websites.Site", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()  # at most COMMENTS_MAX_LENGTH (services.check_text)
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["site", "status", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} ({self.status})"


class CommentNotice(models.Model):
    """P22: the person confirmed they were told that their display name and avatar are shown
    with every comment they write (what they saw is kept, as proof of what they were told)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    display_name = models.CharField(max_length=150)
    with_avatar = models.BooleanField()
    acknowledged_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"comment notice of {self.user_id}"


class CommenterBlock(models.Model):
    """An owner blocked this person from commenting on any of the owner's sites."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    commenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "commenter"], name="one_block_per_commenter")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} blocks {self.commenter_id}"
