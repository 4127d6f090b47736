"""Self-audit checks for websites and what they expose (see ``mosaic.audit.registry``).

They look at the live files as well as the rows: the published builds on disk, the ``current``
links nginx serves from, and the public media storage (P31: what anyone can fetch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.conf import settings
from django.db.models import Exists, OuterRef

from mosaic.audit import rolling
from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.photos.models import Original, Photo
from mosaic.photos.storage import public_storage
from mosaic.posts.models import Post, Video
from mosaic.websites.exposure import public_sites
from mosaic.websites.imports import accounts_holding_imports_without_site
from mosaic.websites.inactivity import inactive_period, quiet_sites, with_deadline
from mosaic.websites.models import Site
from mosaic.websites.publishing import published_root

#: Folders looked at per run: enough for any installation this audit is run on daily.
MAX_FOLDERS = 20_000

T = TypeVar("T")


def _count(count: int, what: str) -> list[str]:
    return [f"{count} {what}"] if count else []


@audit_check("P06")
def no_inactive_site_past_its_deadline(now: dt.datetime) -> list[str]:
    """P06: no site outlives its inactivity deadline by more than the warnings' own delay.

    A sweep that warns late holds deletion until the last warning has had its full lead time,
    one warning per daily run; beyond that, and a grace for the daily schedule, it is a breach.
    """
    leads = settings.WEBSITES_INACTIVE_WARNING_DAYS
    slack = SWEEP_GRACE + dt.timedelta(days=min(leads) + len(leads))
    # Only a site quiet in every way since this date can be late: the indexes find those few.
    sites = with_deadline(quiet_sites(now - slack - inactive_period()))
    late = sites.filter(deletion_deadline__lt=now - slack).count()  # type: ignore[misc]
    return [f"{late} inactive sites past their deletion date"] if late else []


@audit_check("P05")
def no_imports_kept_without_a_site(now: dt.datetime) -> list[str]:
    """P05: no account holds imported posts without a site past the stated period."""
    late = accounts_holding_imports_without_site(now - SWEEP_GRACE).count()
    return _count(late, "accounts holding imported posts without a site past their period")


@audit_check("P07")
def no_served_page_of_a_removed_post(now: dt.datetime) -> list[str]:
    """P07: the served builds on disk hold no page of a post that no longer exists (a rolling
    window of the sites per run: ``mosaic.audit.rolling``)."""
    named: set[int] = set()
    with rolling.window("P07-sites", Site) as rows:
        builds = Site.objects.filter(rows.q).exclude(published_build="")
        for slug, build in builds.values_list("slug", "published_build"):
            folder = published_root() / slug / build / "p"
            if folder.is_dir():
                named |= {int(child.name) for child in folder.iterdir() if child.name.isdigit()}
    gone = len(named - set(Post.objects.filter(pk__in=named).values_list("pk", flat=True)))
    return _count(gone, "served pages of removed posts")


@audit_check("P08")
def nothing_online_of_an_account_in_quarantine(now: dt.datetime) -> list[str]:
    """P08: an account in quarantine has no served build and no public file."""
    quarantined = Site.objects.filter(owner__scheduled_deletion_at__isnull=False)
    served = quarantined.exclude(published_build="").count()
    exposed = Photo.objects.filter(owner__scheduled_deletion_at__isnull=False, exposed=True)
    return _count(served, "sites of accounts in quarantine still served") + _count(
        exposed.count(), "photos of accounts in quarantine still public"
    )


@audit_check("P21")
def only_indexable_sites_served_directly(now: dt.datetime) -> list[str]:
    """P21, P31: a ``current`` link (nginx serves it, sitemap and all) exists only for an
    online, public site not hidden from search."""
    root = published_root()
    linked = {link.parent.name for link in root.glob("*/current") if link.is_symlink()}
    indexable = set(Site.objects.indexable().filter(slug__in=linked).values_list("slug", flat=True))
    return _count(len(linked - indexable), "sites served for indexing that must not be")


@audit_check("P31")
def no_public_copy_that_no_public_site_shows(now: dt.datetime) -> list[str]:
    """P31: media reachability, from the storage itself: a photo or video has a public copy only
    while a public site of its owner is online, and the public storage holds no file of an
    original that has no public copies (any other file there is reachable by anyone). The
    tables are looked at in rolling windows (``mosaic.audit.rolling``), the folders through
    the public token's index."""
    # Owners' public sites through their partial index (``websites_site_public``).
    with_public_site = Exists(public_sites(OuterRef("owner_id")))
    with rolling.window("P31-photos", Photo) as rows:
        photos = Photo.objects.filter(rows.q, exposed=True).exclude(with_public_site).count()
    with rolling.window("P31-videos", Video) as rows:
        public_videos = Video.objects.filter(rows.q).exclude(public_name="")
        videos = public_videos.exclude(with_public_site).count()
    with rolling.window("P31-originals", Original) as rows:
        needed = Photo.objects.filter(
            rows.q_on("original_id"), original=OuterRef("pk"), exposed=True
        )
        orphaned = (
            Original.objects.filter(rows.q).exclude(public_token="").exclude(Exists(needed)).count()
        )
    storage = public_storage()
    try:
        folders, _files = storage.listdir("photos")
    except FileNotFoundError:
        folders = []
    listed = folders[:MAX_FOLDERS]
    known: set[str] = set()
    for chunk in _chunks(listed):  # through the public token's index
        known |= set(
            Original.objects.filter(public_token__in=chunk).values_list("public_token", flat=True)
        )
    stray = sum(1 for token in listed if token not in known)
    return (
        _count(photos, "photos public while no public site of their owner is online")
        + _count(videos, "videos public while no public site of their owner is online")
        + _count(stray, "public photo folders of no current public copy")
        + _count(orphaned, "originals with public copies that no exposed photo needs")
    )


def _chunks(values: Sequence[T], size: int = 1000) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
