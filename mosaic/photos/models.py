"""Photos: an owner's photo points to a content-addressed original and its served variants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mosaic.photos.references import photo_holders
from mosaic.photos.storage import public_storage


def owner_url(name: str) -> str:
    """The owner-checked address of a guarded file (``websites.serving.owner_media``): what
    the owner's own pages use for a file that is not public (P31)."""
    return reverse("owner_media", args=[name])


class Original(models.Model):
    """The bytes someone uploaded, stored once however many times they are added (content
    addressed by SHA-256), privately (P05), with the variants made from them.

    The variants' names use a random ``token``, not the hash, so a variant's address tells
    nobody which file it was made from. P31: they live in the guarded storage; while a public
    site shows the photo, a copy is in the public storage under ``public_token``, a fresh random
    name each time it goes public (``photos.exposure``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("processing")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    sha256 = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=32, unique=True)
    public_token = models.CharField(
        max_length=32, blank=True, help_text="P31: set while the variants have public copies."
    )
    name = models.CharField(max_length=200, help_text="Name in the private storage.")
    format = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    width = models.PositiveIntegerField(help_text="Upright width in pixels.")
    height = models.PositiveIntegerField(help_text="Upright height in pixels.")
    placeholder = models.TextField(blank=True, help_text="A tiny blurred preview as a data: URI.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status"], name="photos_original_status"),
            # The self-audit finds public folders' originals by token (P31).
            models.Index(
                fields=["public_token"],
                condition=~models.Q(public_token=""),
                name="photos_original_public",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.status})"


class Variant(models.Model):
    """One served file: an original at one width in one format, with no metadata at all."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    original = models.ForeignKey(Original, on_delete=models.CASCADE, related_name="variants")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    name = models.CharField(max_length=200, unique=True, help_text="Name in the guarded storage.")
    size = models.PositiveIntegerField(help_text="Bytes.")

    class Meta:
        ordering = ["format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["original", "width", "format"], name="photos_variant_unique_size"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        """Its name in the public storage, or "" while it has no public copy (P31)."""
        token = self.original.public_token
        return f"photos/{token}/{self.name.rsplit('/', 1)[-1]}" if token else ""

    @property
    def url(self) -> str:
        """The public copy's address, or the owner-checked one while there is none (P31)."""
        public = self.public_name
        return public_storage().url(public) if public else owner_url(self.name)

    @property
    def mime_type(self) -> str:
        return f"image/{self.format}"


class PhotoQuerySet(models.QuerySet["Photo"]):
    def with_variants(self) -> PhotoQuerySet:
        """Everything a page needs to draw the photos, in two queries."""
        return self.select_related("original").prefetch_related("original__variants")

    def ready(self) -> PhotoQuerySet:
        return self.filter(original__status=Original.Status.READY)

    def unreferenced(self) -> PhotoQuerySet:
        """The photos among these that no row of any model refers to, in one query (a ``NOT
        EXISTS`` per relation). Every reverse relation of ``Photo`` counts, the hidden ones
        (``related_name="+"``: ``Profile.avatar``, ``Site.avatar``) included, so a model of an
        app above this one counts without this app importing it; rows a default manager would
        hide (a deleted site that can still be restored) count too. So do the rows that name a
        photo outside a foreign key, registered by the apps holding them
        (``photos.references``: a site's published snapshot names its avatar)."""
        photos = self
        for holder in photo_holders():
            photos = photos.filter(~Exists(holder(OuterRef("pk"))))
        for relation in Photo._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete and relation.is_relation):
                continue
            model = relation.related_model
            if model is None or isinstance(model, str):
                continue
            field = relation.field  # type: ignore[union-attr]
            referring = model._base_manager.filter(**{field.name: OuterRef("pk")})
            photos = photos.filter(~Exists(referring))
        return photos


class Photo(models.Model):
    """An owner's photo. Two uploads of the same file by one owner are one photo."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photos"
    )
    original = models.ForeignKey(Original, on_delete=models.PROTECT, related_name="photos")
    filename = models.CharField(max_length=200, blank=True)
    # P31: whether a public site of the owner shows it (``websites.exposure`` decides); the
    # original has public copies while any photo of it is exposed.
    exposed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "original"], name="photos_photo_unique_file")
        ]

    def __str__(self) -> str:
        return self.filename or f"photo {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.original.status == Original.Status.READY

    @property
    def width(self) -> int:
        return self.original.width

    @property
    def height(self) -> int:
        return self.original.height

    @property
    def placeholder(self) -> str:
        return self.original.placeholder

    @property
    def variants(self) -> list[Variant]:
        """Served files, by format then width (uses the prefetch of ``with_variants()``)."""
        return sorted(self.original.variants.all(), key=lambda v: (v.format, v.width))

    def srcset(self, format: str) -> str:
        """For ``<source srcset>`` / ``<img srcset>``: ``url 320w, url 640w, ...``."""
        return ", ".join(f"{v.url} {v.width}w" for v in self.variants if v.format == format)

    def fallback(self) -> Variant | None:
        """The JPEG for ``<img src>``: the largest one."""
        jpegs = [v for v in self.variants if v.format == Variant.Format.JPEG]
        return jpegs[-1] if jpegs else None
