"""Websites: an owner's personal mobile sites, each at ``/<slug>/``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    theme = models.CharField(max_length=16, choices=Theme.choices, default=Theme.GRID)
    accent = models.CharField(max_length=7, default="#1d5fd1")
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    hide_from_search = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # P06: the owner's last edit (not a republish after a sync), one half of "activity".
    edited_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.slug


class SiteLink(models.Model):
    """A link button on a site (http, https, mailto or tel only)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=60)
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["site", "position", "id"]

    def __str__(self) -> str:
        return self.label


class InactivityWarning(models.Model):
    """P06: a warning emailed before an inactive site's deletion, one per (deadline, lead).

    The deadline is part of the key: an owner who comes back moves the deadline, and a later
    spell of inactivity is warned about afresh.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="inactivity_warnings")
    deadline = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "deadline", "days_before"], name="websites_inactivity_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.days_before} days before {self.deadline:%Y-%m-%d}"
