"""Personal-data category for photos (P05, P07, P20)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.photos.models import Photo
from mosaic.photos.services import delete_photo
from mosaic.photos.storage import private_storage
from mosaic.privacy.registry import Category, Holding, Text, register


@register
class PhotoData(Category):
    key = "photos"
    title = _("Photos")
    description = _(
        "The photos you imported or uploaded: the original files (kept private), the resized"
        " copies your site shows (with all camera and location metadata removed), and their"
        " file names."
    )
    purpose = _("To build and show your site.")
    legal_basis = _("Contract: you asked us to publish these photos on your site.")
    holdings = (
        Holding("photos.Photo", ("owner", "filename")),
        Holding(
            "photos.Original",
            ("sha256", "token", "public_token", "name", "format", "placeholder", "error"),
        ),
        Holding("photos.Variant", ("name",)),
    )

    def retention(self) -> Text:
        return _(
            "Only while the photo is on your account: removing a photo, or your account"
            " after its quarantine, deletes the original and every copy."
        )

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "id": photo.pk,
                "filename": photo.filename,
                "added": photo.created_at.isoformat(),
                "width": photo.original.width,
                "height": photo.original.height,
                "sha256": photo.original.sha256,
            }
            for photo in Photo.objects.filter(owner=user).select_related("original").order_by("pk")
        ]

    def files(self, user: User) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
        """The original files, as imported (P20: a copy of what you gave us)."""
        storage = private_storage()
        photos = Photo.objects.filter(owner=user).select_related("original").order_by("pk")
        for photo in photos.iterator(chunk_size=200):
            suffix = photo.original.format.lower() or "bin"
            stem = Path(photo.filename).stem or "photo"
            name = f"{photo.pk}-{stem}.{suffix}"
            yield name, partial(storage.open, photo.original.name, "rb")

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        photos = list(Photo.objects.filter(owner__any=[user.pk for user in users]))
        for photo in photos:
            delete_photo(photo=photo)
        return len(photos)
