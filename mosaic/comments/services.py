"""Comments: the owner's choice, writing one after the notice (P22), the owner's moderation,
and what a comment's change does to the pages.

A public page is static: a comment reaches it at the next build of its site. Every change that
changes what a page shows (a comment published, hidden, deleted, its author's name or avatar
changed, its author deleted) asks for that build through ``websites.services.request_publish``,
which queues one publish per site however many changes arrive before it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mosaic.accounts.models import User
from mosaic.comments.models import Comment, CommenterBlock, CommentNotice, CommentSettings
from mosaic.posts.models import Post
from mosaic.profiles.identity import public_identity
from mosaic.websites.models import Site, SiteQuerySet
from mosaic.websites.services import request_publish

Mode = CommentSettings.Mode
Status = Comment.Status

#: What counts as a link in a comment: an address with a scheme, one starting with www., or a
#: bare name under a top-level domain spammers use most.
LINK = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[\w-]+\.(?:com|net|org|info|biz|ru|io|co|me|xyz|top|online|site|shop|link|click)\b",
    re.IGNORECASE,
)


class CommentRefused(Exception):
    """Why a comment cannot be written; the text is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoticeRequired(CommentRefused):
    """P22: the person has not confirmed the notice yet."""


# --- The owner's choice ------------------------------------------------------------------------
def mode_of(site: Site) -> str:
    found = CommentSettings.objects.filter(site=site).values_list("mode", flat=True).first()
    return found or Mode.OFF


def set_mode(*, site: Site, mode: str) -> None:
    """Applies at once to the form; the pages show or drop their comments at the next build,
    asked for now (switching comments off removes them from the pages, deletes none)."""
    if mode not in Mode.values:
        raise ValueError(f"unknown comment mode {mode!r}")
    with transaction.atomic():
        before = mode_of(site)
        CommentSettings.objects.update_or_create(site=site, defaults={"mode": mode})
        if (before == Mode.OFF) != (mode == Mode.OFF):
            republish(site_ids=[site.pk])


def republish(*, site_ids: Iterable[int]) -> None:
    """Rebuild the published, online sites among ``site_ids`` (soon, once per site)."""
    ids = list(
        Site.objects.online()
        .filter(pk__in=set(site_ids), published__isnull=False)
        .values_list("pk", flat=True)
    )
    if ids:
        request_publish(site_ids=ids)


# --- Writing ----------------------------------------------------------------------------------
def open_sites() -> SiteQuerySet:
    """Sites that take comments now: online, published, not private, comments on."""
    return (
        Site.objects.online()
        .filter(published__isnull=False)
        .exclude(visibility=Site.Visibility.PRIVATE)
    )


def shows_post(site: Site, post: Post) -> bool:
    """The published site shows the post: the owner's, not hidden by them or by moderation."""
    hidden = (site.published or {}).get("hidden", [])
    return (
        post.owner_id == site.owner_id
        and post.hidden_by_moderation_at is None
        and post.pk not in hidden
    )


def check_can_comment(*, user: User, site: Site, post: Post) -> str:
    """Raise ``CommentRefused`` (or ``NoticeRequired``) with the reason, or return the site's
    mode (at once or held)."""
    if not user.is_active or user.in_quarantine:
        raise CommentRefused(_("Your account cannot write comments."))
    mode = mode_of(site)
    if (
        mode == Mode.OFF
        or not open_sites().filter(pk=site.pk).exists()
        or not shows_post(site, post)
    ):
        raise CommentRefused(_("This photo does not take comments."))
    if CommenterBlock.objects.filter(owner_id=site.owner_id, commenter=user).exists():
        raise CommentRefused(_("The owner of this site does not take comments from you."))
    if not has_acknowledged(user):
        raise NoticeRequired(_("Please read and confirm the notice first."))
    return mode


def check_text(text: str) -> str:
    """The text as it will be kept (trimmed), or ``CommentRefused``."""
    text = text.strip()
    if not text:
        raise CommentRefused(_("Write something first."))
    if "\0" in text:
        raise CommentRefused(_("This comment holds characters that cannot be shown."))
    if len(text) > settings.COMMENTS_MAX_LENGTH:
        raise CommentRefused(
            _("A comment is at most %(max)s characters long (this one has %(n)s).")
            % {"max": settings.COMMENTS_MAX_LENGTH, "n": len(text)}
        )
    links = len(LINK.findall(text))
    if links > settings.COMMENTS_MAX_LINKS:
        raise CommentRefused(
            ngettext(
                "A comment may hold at most %(max)s link.",
                "A comment may hold at most %(max)s links.",
                settings.COMMENTS_MAX_LINKS,
            )
            % {"max": settings.COMMENTS_MAX_LINKS}
        )
    return text


def post_comment(*, user: User, site: Site, post: Post, text: str) -> Comment:
    """P22: a comment by ``user``, published at once or held, as the owner chose; a published
    one asks for the site's next build. The caller rate-limits (P11)."""
    at_once = check_can_comment(user=user, site=site, post=post) == Mode.AT_ONCE
    text = check_text(text)
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(
            site=site,
            post=post,
            author=user,
            text=text,
            status=Status.PUBLISHED if at_once else Status.HELD,
            created_at=now,
            published_at=now if at_once else None,
        )
        if at_once:
            republish(site_ids=[site.pk])
    return comment


# --- The notice (P22) -------------------------------------------------------------------------
def has_acknowledged(user: User) -> bool:
    return CommentNotice.objects.filter(user=user).exists()


def acknowledge_notice(*, user: User) -> CommentNotice:
    """P22: record that the person was shown how their comments will name them, and agreed."""
    identity = public_identity(user)
    notice, _created = CommentNotice.objects.get_or_create(
        user=user,
        defaults={
            "display_name": identity.display_name,
            "with_avatar": identity.avatar_src is not None,
            "acknowledged_at": timezone.now(),
        },
    )
    return notice


# --- Changes to a comment ---------------------------------------------------------------------
def _set_status(comment: Comment, status: str) -> bool:
    was_shown = comment.status == Status.PUBLISHED
    fields: dict[str, object] = {"status": status}
    if status == Status.PUBLISHED and comment.published_at is None:
        fields["published_at"] = timezone.now()
    changed = Comment.objects.filter(pk=comment.pk, status=comment.status).update(**fields)
    if changed:
        comment.status = status
        if was_shown or status == Status.PUBLISHED:
            republish(site_ids=[comment.site_id])
    return bool(changed)


def approve(*, owner: User, comment: Comment) -> bool:
    """A held (or hidden) comment is published; False if it changed meanwhile."""
    _check_owner(owner, comment)
    if comment.status not in (Status.HELD, Status.HIDDEN):
        return False
    return _set_status(comment, Status.PUBLISHED)


def hide(*, owner: User, comment: Comment) -> bool:
    _check_owner(owner, comment)
    if comment.status not in (Status.HELD, Status.PUBLISHED):
        return False
    return _set_status(comment, Status.HIDDEN)


def delete(*, user: User, comment: Comment) -> None:
    """The site's owner or the comment's author deletes it for good."""
    if user.pk not in (comment.author_id, comment.site.owner_id):
        raise PermissionError("not this person's comment")
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).delete()
        if comment.status == Status.PUBLISHED:
            republish(site_ids=[comment.site_id])


def remove_by_moderation(*, comment: Comment) -> None:
    """Moderation takes a reported comment off the page (``moderation.services``)."""
    if comment.status != Status.REMOVED:
        _set_status(comment, Status.REMOVED)


def restore_by_moderation(*, comment: Comment) -> None:
    """An appeal against hiding it was granted: the comment is published again."""
    if comment.status == Status.REMOVED:
        _set_status(comment, Status.PUBLISHED)


def _check_owner(owner: User, comment: Comment) -> None:
    if comment.site.owner_id != owner.pk:
        raise PermissionError("not a comment on this owner's site")


# --- Blocking a commenter ---------------------------------------------------------------------
def block_commenter(*, owner: User, commenter: User) -> bool:
    """The commenter can no longer comment on any of the owner's sites; their comments that
    wait for approval are hidden (the published ones stay until the owner hides them)."""
    if commenter.pk == owner.pk:
        raise ValueError("an owner cannot block themselves")
    try:
        with transaction.atomic():
            CommenterBlock.objects.create(
                owner=owner, commenter=commenter, created_at=timezone.now()
            )
    except IntegrityError:
        return False
    Comment.objects.filter(site__owner=owner, author=commenter, status=Status.HELD).update(
        status=Status.HIDDEN
    )
    return True


def unblock_commenter(*, owner: User, commenter_id: int) -> bool:
    deleted, _by_model = CommenterBlock.objects.filter(
        owner=owner, commenter_id=commenter_id
    ).delete()
    return bool(deleted)


# --- The author changes or goes ---------------------------------------------------------------
def sites_showing(user_ids: Sequence[int]) -> set[int]:
    """Sites whose pages show a published comment by one of ``user_ids``."""
    return set(
        Comment.objects.filter(author__any=list(user_ids), status=Status.PUBLISHED)
        .values_list("site_id", flat=True)
        .distinct()
    )


def author_changed(*, user_ids: Sequence[int]) -> None:
    """Their names or avatars changed, or their accounts went offline or came back: every page
    that shows one of their comments is rebuilt (two queries for any number of people)."""
    republish(site_ids=sites_showing(user_ids))


def erase_authors(*, user_ids: Sequence[int]) -> int:
    """Erasure: every comment by these people is deleted, on every site, and each site that
    showed one is rebuilt without it; their notices and blocks (by them or of them) go too.
    A few queries for the whole batch."""
    sites = sites_showing(user_ids)
    deleted, _by_model = Comment.objects.filter(author__any=list(user_ids)).delete()
    deleted += CommentNotice.objects.filter(user__any=list(user_ids)).delete()[0]
    deleted += CommenterBlock.objects.filter(owner__any=list(user_ids)).delete()[0]
    deleted += CommenterBlock.objects.filter(commenter__any=list(user_ids)).delete()[0]
    republish(site_ids=sites)
    return deleted
