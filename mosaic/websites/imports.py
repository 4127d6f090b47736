"""P05: imported Instagram content is kept only while a site exists.

- When the owner's last site is erased after its quarantine (``websites.deleted_sites``), the
  content imported for it (posts from Instagram or a data download, their photos and videos)
  goes with it: ``drop_imports_without_site``.
- An account that holds imported content and has had no site for
  ``PRIVACY_IMPORTS_WITHOUT_SITE_DAYS`` (an import never made into a site) is swept the same way
  (``websites.imports_without_site``).
Uploads stay: they are the owner's own files, not content kept for a site.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet

from mosaic.accounts.models import User
from mosaic.posts.models import Post
from mosaic.posts.services import delete_post
from mosaic.websites.models import Site

IMPORTED = (Post.Source.INSTAGRAM, Post.Source.ARCHIVE)


def imported_posts(owner_id: int) -> QuerySet[Post]:
    return Post.objects.filter(owner_id=owner_id, source__in=IMPORTED)


def drop_imports_without_site(*, owner_id: int) -> int:
    """Delete the owner's imported posts (and the files only they use) if no site of theirs is
    left, not even one in quarantine; returns how many posts went."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner_id).first()
        if Site.objects.filter(owner_id=owner_id).exists():
            return 0
        posts = list(imported_posts(owner_id))
        for post in posts:
            delete_post(post=post)
    return len(posts)


def accounts_holding_imports_without_site(now: dt.datetime) -> QuerySet[User]:
    """Accounts (not in quarantine: erasure takes those) with imported posts, no site, and no
    import for ``PRIVACY_IMPORTS_WITHOUT_SITE_DAYS``."""
    cutoff = now - dt.timedelta(days=settings.PRIVACY_IMPORTS_WITHOUT_SITE_DAYS)
    newest = (
        Post.objects.filter(owner=OuterRef("pk"), source__in=IMPORTED)
        .values("owner")
        .annotate(newest=Max("created_at"))
        .values("newest")
    )
    return (
        User.objects.filter(scheduled_deletion_at__isnull=True)
        .filter(Exists(Post.objects.filter(owner=OuterRef("pk"), source__in=IMPORTED)))
        .exclude(Exists(Site.objects.filter(owner=OuterRef("pk"))))
        .annotate(newest_import=newest)
        .filter(newest_import__lt=cutoff)
        .order_by("pk")
    )
