"""Which of an owner's files anyone may fetch straight from nginx or the CDN (P31, P08).

The rule: a photo or video is public while an online, published, *public* site of its owner
shows it (a post not hidden in that site's published snapshot, the site's avatar, or the share
image its owner chose for it). Anything
else (private and unlisted sites, hidden posts, deleted sites, accounts in quarantine, removed
photos) has no public copy and is reachable only through a check:

- the signed-in owner: ``/_media/<name>`` (``serving.owner_media``) and their own sites;
- a visitor of a public or unlisted site: ``/<slug>/_media/<name>``, and only for a file that
  site's published pages show (``shown_on``).

``refresh_media(owner_id=...)`` is the one entry point for every change of who may see an
owner's content: publishing calls it (and brings copies back), and so must anything that takes
content offline, at once (``expose=False``): a site made private or unlisted, a site deleted,
an account in quarantine, a site or account blocked, a post hidden by moderation. The copies
are made and removed by ``mosaic.photos.exposure`` and ``mosaic.posts.exposure``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet

from mosaic.accounts.models import User
from mosaic.photos import exposure as photo_exposure
from mosaic.photos.models import Photo
from mosaic.posts import exposure as video_exposure
from mosaic.posts.models import PostItem, Video
from mosaic.websites import search
from mosaic.websites.models import Site


def public_sites(owner_id: int | OuterRef) -> QuerySet[Site]:
    """The owner's sites whose files may be public: online, published and public (``owner_id``
    may be an ``OuterRef``, for a subquery)."""
    return _shown().filter(owner_id=owner_id)  # type: ignore[misc]  # an OuterRef is fine here


def _shown() -> QuerySet[Site]:
    return Site.objects.online().filter(visibility=Site.Visibility.PUBLIC, published__isnull=False)


def _shown_items(owner_id: int, snapshot: dict[str, Any]) -> QuerySet[PostItem]:
    return PostItem.objects.filter(
        post__owner_id=owner_id, post__hidden_by_moderation_at__isnull=True
    ).exclude(post_id__in=snapshot.get("hidden", ()))


def refresh_media(*, owner_id: int, expose: bool = True) -> None:
    """Bring the owner's public copies in line with what their public sites show (P31, P08).

    ``expose=False`` only takes copies offline (immediately, in the caller's request); the
    next publish brings back what should be public. The owner's row is locked, so two
    refreshes of one owner never interleave.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner_id).first()
        photos, videos = Photo.objects.none(), Video.objects.none()
        for snapshot in public_sites(owner_id).values_list("published", flat=True):
            assert snapshot is not None  # public_sites() are published
            items = _shown_items(owner_id, snapshot)
            avatar = Q(pk=snapshot["avatar"]) if snapshot.get("avatar") else Q(pk__in=[])
            # The share image the owner chose for this public site's links (websites.search).
            shared = search.exposed_share_photo(snapshot)
            photos |= Photo.objects.filter(Q(pk__in=items.values("photo_id")) | avatar | shared)
            videos |= Video.objects.filter(pk__in=items.values("video_id"))
        photo_exposure.set_exposed(owner_id=owner_id, wanted=photos, expose=expose)
        video_exposure.set_exposed(owner_id=owner_id, wanted=videos, expose=expose)


def owner_has(owner_id: int, name: str) -> bool:
    """Whether ``name`` is a guarded file (photo variant or video) of this owner."""
    return (
        Photo.objects.filter(owner_id=owner_id, original__variants__name=name).exists()
        or Video.objects.filter(owner_id=owner_id, name=name).exists()
    )


def shown_on(site: Site, name: str) -> bool:
    """Whether the site's published pages show the guarded file ``name`` (P31): what a visitor
    may fetch through ``/<slug>/_media/``. A hidden post's photos, another owner's files and
    anything of a site never published are not shown."""
    snapshot = site.published
    if snapshot is None:
        return False
    items = _shown_items(site.owner_id, snapshot)
    photos = Photo.objects.filter(owner_id=site.owner_id, original__variants__name=name)
    if items.filter(photo__in=photos.values("pk")).exists():
        return True
    if snapshot.get("avatar") and photos.filter(pk=snapshot["avatar"]).exists():
        return True
    return items.filter(video__name=name).exists()
