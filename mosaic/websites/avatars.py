"""A site's avatar: choosing or uploading it, and letting go of its photo (P05, P07, P08, P20).

An avatar is a ``photos.Photo`` named in two ways: by the draft (``Site.avatar``, a foreign
key) and by the published snapshot (``"avatar"``, an id in JSON, which the photos app learns
of through ``published_site_avatars`` below). The photo is deleted, original, variants and
public copies with it, by the photos app's one rule (``release_photos``) as soon as neither
names it and no post or profile uses it. The release runs where a site lets go of a photo:

1. the draft changes avatar: another one chosen or uploaded, or removed (here);
2. a publish replaces the snapshot that named it (``services.publish``): until then the
   published site still shows it, so it stays;
3. the site is erased, after its quarantine (P08), for inactivity (P06) or with its account
   (``services.erase_site``); while it waits in quarantine its row still names the avatar,
   so a restored site has it back;
4. anything missed (a crash between a commit and its release, data from before this rule)
   goes with the periodic ``photos.upkeep``.

A post's photo chosen as avatar stays the post's: its post item keeps it whatever happens here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet

from mosaic.photos.models import Photo
from mosaic.photos.references import photo_holder
from mosaic.photos.services import add_photo, release_photos
from mosaic.websites.models import Site, published_avatar


@photo_holder
def published_site_avatars(photo: OuterRef) -> QuerySet[Site]:
    """The sites, deleted ones in quarantine included, whose published snapshot names
    ``photo`` as the avatar (through the ``websites_site_published_avatar`` index)."""
    return Site._base_manager.alias(published_avatar_id=published_avatar()).filter(
        published_avatar_id=photo
    )


def snapshot_avatar(snapshot: dict[str, Any] | None) -> int | None:
    """The avatar a published snapshot names, if any."""
    avatar = (snapshot or {}).get("avatar")
    return avatar if isinstance(avatar, int) else None


def release(photo_ids: Iterable[int | None]) -> int:
    """Delete the photos among these that nothing names any more (``release_photos``): call it
    in the transaction that stopped naming them, after the change."""
    return release_photos(photo_ids=[pk for pk in photo_ids if pk is not None])


def named_by(site: Site) -> list[int | None]:
    """Lock the site's row and return the avatars it names: the draft's and the snapshot's."""
    row = (
        Site._base_manager.select_for_update()
        .filter(pk=site.pk)
        .values_list("avatar_id", "published")
    )
    found = row.first()
    return [found[0], snapshot_avatar(found[1])] if found else []


def upload_avatar(*, site: Site, source: IO[bytes], filename: str) -> Photo:
    """Raises ``PhotoRejected`` with the reason when the file is not a usable photo (nothing
    changes then). The earlier avatar goes unless something else still names it."""
    with transaction.atomic():
        earlier = named_by(site)
        photo = add_photo(owner=site.owner, source=source, filename=filename)
        site.avatar = photo
        site.save(update_fields=["avatar", "updated_at"])
        release(earlier)
    return photo


def choose_avatar(*, site: Site, photo: Photo | None) -> None:
    """One of the owner's post photos as the avatar, or ``None`` to remove it; the earlier
    avatar goes unless something else still names it."""
    with transaction.atomic():
        earlier = named_by(site)
        site.avatar = photo
        site.save(update_fields=["avatar", "updated_at"])
        release(earlier)
