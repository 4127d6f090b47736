"""Collections: the owner's edits. Like the links, they are a draft: visitors see them once
the site is published (``content.collections_snapshot``). Each edit is activity (P06).

Every function refuses with ``Refused`` and a message a person can act on, and changes
nothing then; ids of posts that are not the owner's are ignored.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mosaic.posts.models import Post
from mosaic.websites import ordering
from mosaic.websites.collection import MAX_PER_SITE, MAX_POSTS, name_problem
from mosaic.websites.models import Collection, CollectionPost, Site


class Refused(Exception):
    """The edit cannot be made; ``str()`` says why."""


def _edited(site_id: int) -> None:
    Site.objects.filter(pk=site_id).update(edited_at=timezone.now())  # P06: an edit is activity


def create_collection(*, site: Site, title: str, name: str) -> Collection:
    """A new, empty collection last in the site's order, not linked from the home page."""
    if Collection.objects.filter(site=site).count() >= MAX_PER_SITE:
        raise Refused(_("A site can have at most %(max)d collections.") % {"max": MAX_PER_SITE})
    if problem := name_problem(site.pk, name):
        raise Refused(problem)
    last = Collection.objects.filter(site=site).aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            kept = Collection.objects.create(
                site=site, title=title, name=name, position=0 if last is None else last + 1
            )
    except IntegrityError as error:  # the same name, saved meanwhile by another request
        raise Refused(name_problem(site.pk, name)) from error
    _edited(site.pk)
    return kept


def rename_collection(*, kept: Collection, title: str, name: str) -> None:
    """A new title and URL name (its address changes with the name once published)."""
    if problem := name_problem(kept.site_id, name, exclude_id=kept.pk):
        raise Refused(problem)
    kept.title, kept.name = title, name
    try:
        with transaction.atomic():
            kept.save(update_fields=["title", "name"])
    except IntegrityError as error:
        kept.refresh_from_db()
        raise Refused(name_problem(kept.site_id, name, exclude_id=kept.pk)) from error
    _edited(kept.site_id)


def delete_collection(*, kept: Collection) -> None:
    """The collection goes from the draft (its page goes with the next publish); its posts
    stay on the site."""
    kept.delete()
    _edited(kept.site_id)


def move_collection(*, kept: Collection, up: bool) -> None:
    """Up or down in the site's order (that of the home page's links too)."""
    rows = list(Collection.objects.filter(site_id=kept.site_id).order_by("position", "id"))
    ordering.move(rows, [row.pk for row in rows].index(kept.pk), up=up)
    _edited(kept.site_id)


def show_on_home(*, kept: Collection, shown: bool) -> None:
    """Whether the home page links to the collection."""
    Collection.objects.filter(pk=kept.pk).update(on_home=shown)
    kept.on_home = shown
    _edited(kept.site_id)


def add_posts(*, kept: Collection, post_ids: list[int]) -> int:
    """Add the owner's posts named, in the order given, after the collection's own; posts
    already in it stay where they are. Returns how many were added."""
    owner_id = Site.objects.filter(pk=kept.site_id).values_list("owner_id", flat=True).get()
    wanted = list(dict.fromkeys(post_ids))
    theirs = set(Post.objects.filter(owner_id=owner_id, pk__in=wanted).values_list("pk", flat=True))
    present = set(kept.entries.values_list("post_id", flat=True))
    new = [pk for pk in wanted if pk in theirs and pk not in present]
    if len(present) + len(new) > MAX_POSTS:
        raise Refused(
            _("A collection can hold at most %(max)d posts; this one has %(count)d.")
            % {"max": MAX_POSTS, "count": len(present)}
        )
    last = kept.entries.aggregate(last=Max("position"))["last"]
    start = 0 if last is None else last + 1
    CollectionPost.objects.bulk_create(
        [
            CollectionPost(collection=kept, post_id=pk, position=start + n)
            for n, pk in enumerate(new)
        ],
        ignore_conflicts=True,  # added meanwhile by another request: once is enough
    )
    _edited(kept.site_id)
    return len(new)


def remove_post(*, kept: Collection, post_id: int) -> None:
    """The post leaves the collection (it stays on the site)."""
    kept.entries.filter(post_id=post_id).delete()
    _edited(kept.site_id)


def move_post(*, kept: Collection, post_id: int, up: bool) -> None:
    """The post goes one place up or down in the collection."""
    rows = list(kept.entries.order_by("position", "id"))
    ids = [row.post_id for row in rows]
    if post_id in ids:
        ordering.move(rows, ids.index(post_id), up=up)
        _edited(kept.site_id)
