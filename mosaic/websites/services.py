"""Sites: creating, editing, publishing, removing content, deleting and exporting.

Public API for other apps: ``republish_owner_sites(owner_id=)`` (called by ``mosaic.posts``
after an owner's posts change, C4: the site follows every sync and edit).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import zipfile
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone, translation

from mosaic.billing.plans import plan_for
from mosaic.organizations import rights
from mosaic.photos.storage import guarded_storage
from mosaic.posts import services as posts
from mosaic.posts.models import Post, PostItem
from mosaic.websites import avatars, contact, ordering, publishing
from mosaic.websites.avatars import choose_avatar as choose_avatar
from mosaic.websites.avatars import upload_avatar as upload_avatar
from mosaic.websites.content import arrange, draft_snapshot, sort_key
from mosaic.websites.exposure import refresh_media
from mosaic.websites.models import Site, SiteLink, SitePost, new_link_key
from mosaic.websites.render import SiteRenderer, Target

if TYPE_CHECKING:
    from mosaic.accounts.models import User

log = logging.getLogger(__name__)


class SlugTaken(Exception):
    pass


class PlanLimitReached(Exception):
    """The owner's plan allows no more sites (``billing.plans``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def create_site(*, owner: User, slug: str, title: str, language: str | None = None) -> Site:
    """A new site showing all the owner's posts, as a draft: its address answers 404 (and its
    photos stay private) until the owner publishes it for the first time. Its own words are
    in ``language``, by default the one the owner is using. The plan's limit counts every
    site not deleted (paused ones too): PlanLimitReached beyond it."""
    limit = plan_for(owner).sites
    if Site.objects.live().filter(owner=owner).count() >= limit:
        raise PlanLimitReached(limit)
    language = translation.get_supported_language_variant(language or translation.get_language())
    try:
        with transaction.atomic():
            site = Site.objects.create(owner=owner, slug=slug, title=title, language=language)
    except IntegrityError as error:
        raise SlugTaken(slug) from error
    return site


def publish(*, site: Site) -> None:
    """Make the draft live: snapshot it now, render in the background. The avatar the previous
    snapshot named goes unless something still names it (P07, ``websites.avatars``)."""
    with transaction.atomic():
        earlier = avatars.named_by(site)
        site.published = draft_snapshot(site)
        site.published_at = site.edited_at = timezone.now()  # P06: an edit is activity
        site.save(update_fields=["published", "published_at", "edited_at", "updated_at"])
        avatars.release(earlier)
    request_publish(site_ids=[site.pk])


def request_publish(*, site_ids: list[int]) -> None:
    """Queue one publish per site, however many changes arrive before it starts."""
    claimed = list(
        Site.objects.filter(pk__in=site_ids, publish_pending=False).values_list("pk", flat=True)
    )
    if not claimed:
        return
    Site.objects.filter(pk__in=claimed, publish_pending=False).update(publish_pending=True)
    from mosaic.websites.tasks import publish_site  # tasks import this module

    for site_id in claimed:
        transaction.on_commit(partial(publish_site.enqueue, site_id))


def run_publish(*, site_id: int) -> str | None:
    """Publish now; a failure is recorded for the owner's panel (the previous build stays
    online) and raised for the task runner. A success clears it."""
    Site.objects.filter(pk=site_id).update(publish_pending=False)
    try:
        build = publishing.publish_site(site_id=site_id)
    except Exception:
        log.exception("Publishing site %s failed", site_id)
        Site.objects.filter(pk=site_id).update(publish_failed_at=timezone.now())
        raise
    if build is not None:
        Site.objects.filter(pk=site_id).update(publish_failed_at=None)
    return build


def republish_due_links(*, now: dt.datetime, batch: int = 500) -> int:
    """Sites whose published build shows a scheduled link that has started or ended since:
    claim each (clear ``next_link_change_at`` with a conditional UPDATE, so two runs publish
    once) and republish it. The build sets the next boundary again."""
    due = list(
        Site.objects.online()
        .filter(next_link_change_at__lte=now, published__isnull=False)
        .order_by("next_link_change_at")
        .values_list("pk", "next_link_change_at")[:batch]
    )
    claimed = [
        pk
        for pk, moment in due
        if Site.objects.filter(pk=pk, next_link_change_at=moment).update(next_link_change_at=None)
    ]
    if claimed:
        request_publish(site_ids=claimed)
    return len(claimed)


def withdraw_post(*, owner_id: int, post_id: int) -> None:
    """P07: a removed post leaves every served page of the owner's sites at once, and its photo
    link leaves their published snapshots (its click address answers 404 from now on)."""
    publishing.withdraw_post(owner_id=owner_id, post_id=post_id)
    with transaction.atomic():
        for site in Site.objects.select_for_update().filter(
            owner_id=owner_id, published__post_links__has_key=str(post_id)
        ):
            assert site.published is not None
            del site.published["post_links"][str(post_id)]
            Site.objects.filter(pk=site.pk).update(published=site.published)


def republish_owner_sites(*, owner_id: int) -> None:
    """The owner's posts changed (import, sync, removal): rebuild every published site."""
    ids = list(
        Site.objects.live()
        .filter(owner_id=owner_id, published__isnull=False)
        .values_list("pk", flat=True)
    )
    if ids:
        request_publish(site_ids=ids)


def update_settings(
    *,
    site: Site,
    slug: str,
    visibility: str,
    hide_from_search: bool,
    language: str | None = None,
    time_zone: str | None = None,
) -> None:
    """Address, visibility and the search switch apply at once (P21, P31): who may see the site
    must not wait for a publish. So does the language of the site's own words (republished).
    C8: visibility and the search switch stay as they are while the owner's organization
    forbids changing privacy settings (``rights.Restricted``)."""
    if (visibility, hide_from_search) != (site.visibility, site.hide_from_search):
        rights.check(site.owner, rights.PRIVACY_CHANGES)
    old_slug = site.slug
    site.slug, site.visibility, site.hide_from_search = slug, visibility, hide_from_search
    site.language = language or site.language
    site.timezone = time_zone or site.timezone
    site.edited_at = timezone.now()  # P06: an edit is activity
    try:
        with transaction.atomic():
            Site.objects.select_for_update().filter(pk=site.pk).first()
            site.save(
                update_fields=[
                    "slug",
                    "visibility",
                    "hide_from_search",
                    "language",
                    "timezone",
                    "edited_at",
                    "updated_at",
                ]
            )
            if old_slug != slug:
                publishing.move_files(old_slug=old_slug, new_slug=slug)
    except IntegrityError as error:
        site.slug = old_slug
        raise SlugTaken(slug) from error
    publishing.refresh_current_link(site=site)
    refresh_media(owner_id=site.owner_id, expose=False)  # P31: offline before the answer
    if site.published is not None:
        request_publish(site_ids=[site.pk])


def set_socials(*, site: Site, addresses: dict[str, str]) -> None:
    """The social icons' addresses (checked by ``socials.clean``), saved as a draft."""
    site.socials = addresses
    site.edited_at = timezone.now()  # P06: an edit is activity
    site.save(update_fields=["socials", "edited_at", "updated_at"])


def set_contact(*, site: Site, fields: dict[str, str]) -> None:
    """The contact card's fields (checked by ``ContactForm``), saved as a draft."""
    site.contact = contact.published(fields)
    site.edited_at = timezone.now()  # P06: an edit is activity
    site.save(update_fields=["contact", "edited_at", "updated_at"])


def set_search(*, site: Site, settings: dict[str, Any]) -> None:
    """Search and sharing settings (checked by ``forms.SearchForm``), saved as a draft."""
    site.search = settings
    site.edited_at = timezone.now()  # P06: an edit is activity
    site.save(update_fields=["search", "edited_at", "updated_at"])


# --- Links --------------------------------------------------------------------------------
def add_link(
    *,
    site: Site,
    label: str,
    url: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> SiteLink:
    last = site.links.order_by("-position").values_list("position", flat=True).first()
    return SiteLink.objects.create(
        site=site,
        label=label,
        url=url,
        starts_at=starts_at,
        ends_at=ends_at,
        position=0 if last is None else last + 1,
    )


def move_link(*, link: SiteLink, up: bool) -> None:
    links = list(link.site.links.order_by("position", "id"))
    ordering.move(links, links.index(link), up=up)


def update_link(
    *,
    link: SiteLink,
    label: str,
    url: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> None:
    link.label, link.url, link.starts_at, link.ends_at = label, url, starts_at, ends_at
    link.save(update_fields=["label", "url", "starts_at", "ends_at"])


def order_links(*, site: Site, link_ids: list[int]) -> None:
    """Put the site's links in the order given (drag and drop). Ids of other sites' links are
    ignored; links not named keep their order after the ones named."""
    links = list(site.links.order_by("position", "id"))
    wanted = {pk: index for index, pk in enumerate(dict.fromkeys(link_ids))}
    links.sort(key=lambda link: wanted.get(link.pk, len(wanted)))
    ordering.renumber(links)


# --- Which posts show, and in what order (draft) -----------------------------------------
def posts_for_editor(site: Site) -> list[Post]:
    """Every post of the owner in the draft's order, hidden ones included."""
    return arrange(
        Post.objects.filter(owner_id=site.owner_id).with_items(),
        draft_snapshot(site),
        include_hidden=True,
    )


#: Posts per page of the photos page: a few screens of thumbnails on a phone, not 600 at once.
PHOTOS_PER_PAGE = 60


def editor_order(site: Site) -> list[int]:
    """The ids of every post of the owner in the draft's order (hidden ones included), without
    their photos: enough to cut the photos page into pages and find a post's page."""
    posts = Post.objects.filter(owner_id=site.owner_id).only("pk", "taken_at")
    return [post.pk for post in arrange(posts, draft_snapshot(site), include_hidden=True)]


def posts_by_ids(site: Site, ids: list[int]) -> list[Post]:
    """The owner's posts named, with their photos, in the order given."""
    found = Post.objects.filter(owner_id=site.owner_id, pk__in=ids).with_items().in_bulk()
    return [found[pk] for pk in ids if pk in found]


def editor_page_of(site: Site, post_id: int) -> int:
    """The photos page showing ``post_id`` now (1 if the post is gone)."""
    order = editor_order(site)
    return order.index(post_id) // PHOTOS_PER_PAGE + 1 if post_id in order else 1


def set_choice(
    *, site: Site, post: Post, hidden: bool | None = None, pinned: bool | None = None
) -> None:
    choice, _ = SitePost.objects.get_or_create(site=site, post=post)
    fields: list[str] = []
    if hidden is not None:
        choice.hidden, fields = hidden, [*fields, "hidden"]
    if pinned is not None:
        choice.pinned, fields = pinned, [*fields, "pinned"]
    choice.save(update_fields=fields)


def set_post_link(*, site: Site, post: Post, url: str, label: str = "") -> None:
    """The post's outside link on this site (draft); an empty ``url`` removes it. The click
    key is random and stays while the link does, so counts follow an edited address."""
    choice, _ = SitePost.objects.get_or_create(site=site, post=post)
    if not url:
        choice.link_url = choice.link_label = choice.link_key = ""
    else:
        choice.link_url, choice.link_label = url, label
        choice.link_key = choice.link_key or new_link_key()
    choice.save(update_fields=["link_url", "link_label", "link_key"])


def move_post(*, site: Site, post: Post, up: bool) -> None:
    """Swap the post with its neighbour within its group (pinned or not)."""
    snapshot = draft_snapshot(site)
    ordered = arrange(Post.objects.filter(owner_id=site.owner_id), snapshot, include_hidden=True)
    pinned = set(snapshot["pinned"])
    group = [p for p in ordered if (p.pk in pinned) == (post.pk in pinned)]
    index = next(i for i, p in enumerate(group) if p.pk == post.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(group):
        return
    other = group[other_index]
    keys = snapshot["keys"]
    mine, theirs = sort_key(post, keys), sort_key(other, keys)
    if mine == theirs:  # equal keys order by id: separate them
        mine, theirs = (theirs + 1, theirs) if up else (theirs - 1, theirs)
    else:
        mine, theirs = theirs, mine
    with transaction.atomic():
        for target, key in ((post, mine), (other, theirs)):
            SitePost.objects.update_or_create(site=site, post=target, defaults={"sort_key": key})


def order_posts(*, site: Site, post_ids: list[int]) -> None:
    """The draft's order from a drag and drop: within each group (pinned, then the others) the
    posts named take the group's sort keys in the order given, so the group's place among
    posts not named stays the same. Ids of posts that are not the owner's are ignored."""
    snapshot = draft_snapshot(site)
    ordered = arrange(Post.objects.filter(owner_id=site.owner_id), snapshot, include_hidden=True)
    keys, pinned = snapshot["keys"], set(snapshot["pinned"])
    wanted = {pk: index for index, pk in enumerate(dict.fromkeys(post_ids))}
    changes: dict[int, int] = {}
    for in_pinned in (True, False):
        named = [p for p in ordered if (p.pk in pinned) == in_pinned and p.pk in wanted]
        slots: list[int] = []
        for key in (sort_key(p, keys) for p in named):  # newest first, as arranged
            slots.append(key if not slots or key < slots[-1] else slots[-1] - 1)
        for post, key in zip(sorted(named, key=lambda p: wanted[p.pk]), slots, strict=True):
            if sort_key(post, keys) != key or str(post.pk) not in keys:
                changes[post.pk] = key
    with transaction.atomic():
        for post_id, key in changes.items():
            SitePost.objects.update_or_create(
                site=site, post_id=post_id, defaults={"sort_key": key}
            )


# --- Alt text ------------------------------------------------------------------------------
ALT_PER_PAGE = 60


def photos_for_alt_text(*, site: Site, missing: bool = False) -> QuerySet[PostItem]:
    """The owner's photos (and video posters), newest post first; ``missing``: only those
    without alt text of the owner's (the caption stands in)."""
    items = (
        PostItem.objects.filter(post__owner_id=site.owner_id, photo__isnull=False)
        .select_related("post", "photo__original")
        .prefetch_related("photo__original__variants")
        .annotate(in_post=Count("post__items"))
        .order_by("-post__taken_at", "-post_id", "position")
    )
    return items.filter(alt_text="") if missing else items


def set_alt_text(*, item: PostItem, text: str) -> bool:
    """The owner's alt text for one photo; the sites republish with it (posts' hook)."""
    return posts.set_alt_text(item=item, text=text)


# --- Removing content (P07) ----------------------------------------------------------------
def remove_post(*, post: Post) -> None:
    """P07: remove the post and its files; sites republish when it commits (posts' hook).
    C8: not while the owner's organization forbids deleting content (``rights.Restricted``)."""
    rights.check(post.owner, rights.DELETING)
    posts.delete_post(post=post)


def remove_item(*, item: PostItem) -> None:
    """P07: remove one photo or video of a post; sites republish when it commits (C8: not
    while the owner's organization forbids deleting content)."""
    rights.check(item.post.owner, rights.DELETING)
    posts.delete_item(item=item)


# --- Deleting and restoring a site (P07, P08) -------------------------------------------------
def delete_site(*, site: Site) -> None:
    """P07, P08: the site goes offline at once (its address answers 410), its published files
    are deleted, and its row is erased after the quarantine unless the owner restores it.
    C8: not while the owner's organization forbids deleting content."""
    rights.check(site.owner, rights.DELETING)
    with transaction.atomic():
        Site.objects.filter(pk=site.pk).update(
            deleted_at=timezone.now(), published_build="", publish_pending=False
        )
        refresh_media(owner_id=site.owner_id, expose=False)
        transaction.on_commit(partial(publishing.unpublish_files, slug=site.slug))


def block_site(*, site: Site) -> None:
    """P10: moderation takes the site offline at once (410, like a deleted site): its files
    and public copies go, its snapshot and posts stay, kept whole until ``block_keep_until``
    (``PRIVACY_BLOCK_KEEP_DAYS``) whatever its owner asks. The caller records why."""
    now = timezone.now()
    keep_until = now + dt.timedelta(days=settings.PRIVACY_BLOCK_KEEP_DAYS)
    with transaction.atomic():
        Site.objects.filter(pk=site.pk).update(
            blocked_at=now, block_keep_until=keep_until, published_build="", publish_pending=False
        )
        refresh_media(owner_id=site.owner_id, expose=False)
        transaction.on_commit(partial(publishing.unpublish_files, slug=site.slug))
    site.blocked_at, site.block_keep_until = now, keep_until


def unblock_site(*, site: Site) -> bool:
    """The block is lifted: the published snapshot is built again. ``block_keep_until`` stays."""
    unblocked = Site.objects.filter(pk=site.pk, blocked_at__isnull=False).update(blocked_at=None)
    if unblocked:
        site.blocked_at = None
        request_publish(site_ids=[site.pk])
    return bool(unblocked)


def take_owner_offline(*, owner_id: int) -> None:
    """P10: the owner's account is blocked: every site of theirs goes offline at once (410),
    with its files and public copies; ``republish_owner_sites`` brings them back."""
    for slug in Site.objects.filter(owner_id=owner_id).values_list("slug", flat=True):
        transaction.on_commit(partial(publishing.unpublish_files, slug=slug))
    Site.objects.filter(owner_id=owner_id).update(published_build="", publish_pending=False)
    refresh_media(owner_id=owner_id, expose=False)


def erase_site(*, site: Site) -> None:
    """Erase a site for good: its row (links, choices and statistics go with it) and, once
    that is committed, its published files; its avatar goes unless something else names it
    (P08, ``websites.avatars``). Used by every path that ends a site (P06, P08)."""
    with transaction.atomic():
        named = avatars.named_by(site)
        Site.objects.filter(pk=site.pk).delete()
        avatars.release(named)
    refresh_media(owner_id=site.owner_id, expose=False)
    transaction.on_commit(partial(publishing.unpublish_files, slug=site.slug))


def restore_site(*, site: Site) -> bool:
    """The site comes back; beyond the plan's number of online sites it comes back paused
    (``websites.plans``), and its owner chooses which stay online."""
    online = Site.objects.live().filter(owner_id=site.owner_id, plan_paused_at__isnull=True)
    paused_at = timezone.now() if online.count() >= plan_for(site.owner_id).sites else None
    restored = Site.objects.filter(pk=site.pk, deleted_at__isnull=False).update(
        deleted_at=None, plan_paused_at=paused_at
    )
    if restored:
        request_publish(site_ids=[site.pk])
    return bool(restored)


# --- Export ---------------------------------------------------------------------------------
def export_zip(*, site: Site) -> IO[bytes]:
    """The published site as a ZIP of static files that works opened from disk: relative
    links ending in ``index.html`` and the photo files copied in (C4)."""
    renderer = SiteRenderer(
        site=site, snapshot=site.published or draft_snapshot(site), target=Target("files", True)
    )
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    storage = guarded_storage()
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in renderer.paths():
            content = renderer.render(path)
            if content is not None:
                archive.writestr(f"{site.slug}/{path}", content)
        for name in sorted(renderer.used_files):
            with storage.open(name) as source:
                archive.writestr(f"{site.slug}/{name}", source.read(), zipfile.ZIP_STORED)
    spool.seek(0)
    return spool
