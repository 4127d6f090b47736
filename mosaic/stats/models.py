"""Statistics: raw events (kept briefly), daily roll-ups (what the dashboard reads), and the
daily salts and visitor hashes that make unique-visitor counts possible without cookies (P12)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mosaic.websites.models import Site


class Kind(models.TextChoices):
    PAGE = "page", _("Page view")
    PHOTO = "photo", _("Photo view")
    CLICK = "click", _("Link click")


class Device(models.TextChoices):
    PHONE = "phone", _("Phone")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Desktop")


class Event(models.Model):
    """One counted view or click, as the flush wrote it from the buffer.

    Raw events are pruned ``STATS_EVENT_DAYS`` after they happened; by then the daily roll-ups
    (written in the same transaction) hold everything the dashboard shows. ``visitor`` is the
    keyed hash of that day, meaningless once the day's salt is destroyed (P12, P30).
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField()
    path = models.CharField(max_length=300, blank=True)
    link_id = models.BigIntegerField(null=True, blank=True)
    referrer_host = models.CharField(max_length=253, blank=True)
    device = models.CharField(max_length=8, choices=Device.choices)
    visitor = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["at"]), models.Index(fields=["site", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} on site {self.site_id}"


class DailyCount(models.Model):
    """How many events of a kind a site had on a day, in total or per page, link, referring
    host or device class. ``kind="visitor"`` with the total dimension counts unique visitors of
    the day (any kind of event)."""

    class Dimension(models.TextChoices):
        TOTAL = "total", _("Total")
        PATH = "path", _("Page")
        LINK = "link", _("Link")
        REFERRER = "referrer", _("Referring site")
        DEVICE = "device", _("Device class")

    VISITOR = "visitor"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=8)
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.CharField(max_length=300, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "kind", "dimension", "key"], name="stats_daily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.dimension}={self.key}: {self.count}"


class DailyVisitor(models.Model):
    """The visitor hashes seen on a site on a day, so each counts once (P12). Deleted with the
    day's salt, 48 hours after the day began."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visitor = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "visitor"], name="stats_visitor_unique")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"a visitor of site {self.site_id} on {self.day}"


class DailySalt(models.Model):
    """The random key of one day's visitor hashes (P12, P30): destroyed 48 hours after the day
    began, after which no hash of that day can be linked to anyone, even by us."""

    day = models.DateField(unique=True)
    salt = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"salt of {self.day}"


class BufferProgress(models.Model):
    """How far the flush got in one claimed buffer segment: moved forward in the same transaction
    as the events it wrote, so a flush killed at any point resumes without losing or repeating."""

    segment = models.CharField(max_length=200, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.segment} at {self.position}"
