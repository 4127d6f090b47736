"""Abuse reports and moderation (C7, P10, P11): a visitor reports, moderation acts with a
reason its owner reads, and the owner may appeal once.

Every moderation step is an operator action: it checks the role and writes its audit entry
(``staff.services.record_action``, P25) in the transaction of the change. Taking something
offline goes through the one exposure rule (``websites.exposure``): a hidden photo, a blocked
site and a blocked account's sites are off every page, public copy, click and sitemap at once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.comments import services as comments
from mosaic.comments.models import Comment
from mosaic.moderation.emails import send_action_notice
from mosaic.moderation.models import AbuseReport, ModerationAction
from mosaic.posts.models import Post
from mosaic.privacy import holds
from mosaic.privacy.models import AccountBlock
from mosaic.staff.roles import MODERATION
from mosaic.staff.services import record_action
from mosaic.websites import services as websites
from mosaic.websites.exposure import refresh_media
from mosaic.websites.models import Site

Kind = ModerationAction.Kind


class AlreadyHandled(Exception):
    """The report was dismissed or acted on meanwhile (two moderators at once)."""


def file_report(
    *,
    site: Site,
    post: Post | None,
    ground: str,
    details: str = "",
    email: str = "",
    comment: Comment | None = None,
) -> AbuseReport:
    """A visitor's report, kept without their address (the view rate-limits, P11); about a
    member's comment when ``comment`` is given (and is on this site)."""
    if post is not None and post.owner_id != site.owner_id:
        post = None  # a photo of another owner's: the report is about the site
    if comment is not None and comment.site_id != site.pk:
        comment = None
    if comment is not None:
        post = None
    return AbuseReport.objects.create(
        site=site,
        post=post,
        comment=comment,
        ground=ground,
        details=details.strip(),
        email=email.strip(),
        created_at=timezone.now(),
    )


def _close(
    report: AbuseReport, *, operator: User, status: str, action: ModerationAction | None
) -> None:
    closed = AbuseReport.objects.filter(pk=report.pk, status=AbuseReport.Status.OPEN).update(
        status=status, handled_at=timezone.now(), handled_by=operator, action=action
    )
    if not closed:
        raise AlreadyHandled(report.pk)


def dismiss_report(*, operator: User, report: AbuseReport, reason: str) -> None:
    with transaction.atomic():
        record_action(
            actor=operator,
            role=MODERATION,
            action="dismiss abuse report",
            target=f"abuse-report:{report.pk}",
            reason=reason,
        )
        _close(report, operator=operator, status=AbuseReport.Status.DISMISSED, action=None)


def act_on_report(
    *, operator: User, report: AbuseReport, kind: str, ground: str, reason: str
) -> ModerationAction:
    """Hide the reported photo or comment, block the site or block its owner's account;
    ``reason`` is what the owner (for a comment: its author) reads. Raises ``AlreadyHandled``,
    or ``ValueError`` for a photo or comment action on a report about no photo or comment."""
    site = Site.objects.select_related("owner").get(pk=report.site_id)
    post = Post.objects.filter(pk=report.post_id).first() if report.post_id else None
    comment = (
        Comment.objects.select_related("author").filter(pk=report.comment_id).first()
        if report.comment_id
        else None
    )
    if kind == Kind.HIDE_PHOTO and post is None:
        raise ValueError("this report is about no photo")
    if kind == Kind.HIDE_COMMENT and comment is None:
        raise ValueError("this report is about no comment")
    with transaction.atomic():
        action = take_action(
            operator=operator,
            kind=kind,
            ground=ground,
            reason=reason,
            owner=comment.author
            if comment is not None and kind == Kind.HIDE_COMMENT
            else site.owner,
            site=site,
            post=post if kind == Kind.HIDE_PHOTO else None,
            comment=comment if kind == Kind.HIDE_COMMENT else None,
        )
        _close(report, operator=operator, status=AbuseReport.Status.ACTED, action=action)
        # Other open reports about the same thing are answered by the same action.
        same = AbuseReport.objects.filter(status=AbuseReport.Status.OPEN, site=site)
        if kind == Kind.HIDE_PHOTO:
            same = same.filter(post=post)
        elif kind == Kind.HIDE_COMMENT:
            same = same.filter(comment=comment)
        same.update(
            status=AbuseReport.Status.ACTED,
            handled_at=action.decided_at,
            handled_by=operator,
            action=action,
        )
    return action


def take_action(
    *,
    operator: User,
    kind: str,
    ground: str,
    reason: str,
    owner: User,
    site: Site | None = None,
    post: Post | None = None,
    comment: Comment | None = None,
) -> ModerationAction:
    """P10: one moderation action, audited, effective at once, its reason emailed to the owner
    (for a hidden comment, ``owner`` is its author)."""
    with transaction.atomic():
        target = {
            Kind.HIDE_PHOTO: f"post:{post.pk if post else ''}",
            Kind.BLOCK_SITE: f"site:{site.pk if site else ''}",
            Kind.BLOCK_ACCOUNT: f"account:{owner.pk}",
            Kind.HIDE_COMMENT: f"comment:{comment.pk if comment else ''}",
        }[Kind(kind)]
        if kind == Kind.BLOCK_ACCOUNT:
            holds.block_account(operator=operator, user=owner, reason=reason)  # audited there
            websites.take_owner_offline(owner_id=owner.pk)
            comments.author_changed(user_ids=[owner.pk])  # their comments leave others' pages
        else:
            record_action(
                actor=operator,
                role=MODERATION,
                action=f"moderation: {kind}",
                target=target,
                reason=reason,
                subject=owner,
            )
            if kind == Kind.BLOCK_SITE and site is not None:
                websites.block_site(site=site)
            elif kind == Kind.HIDE_PHOTO and post is not None:
                Post.objects.filter(pk=post.pk).update(hidden_by_moderation_at=timezone.now())
                refresh_media(owner_id=owner.pk, expose=False)
                websites.republish_owner_sites(owner_id=owner.pk)
            elif kind == Kind.HIDE_COMMENT and comment is not None:
                comments.remove_by_moderation(comment=comment)
        action = ModerationAction.objects.create(
            kind=kind,
            ground=ground,
            owner=owner,
            site=site,
            post=post,
            comment=comment,
            reason=reason.strip(),
            decided_at=timezone.now(),
            decided_by=operator,
        )
        send_action_notice(action=action)
    return action


def undo(*, operator: User, action: ModerationAction, reason: str) -> None:
    """Lift what ``action`` did (the records stay: P10 keeps a blocked site's data its year)."""
    if action.kind == Kind.BLOCK_ACCOUNT:
        for block in AccountBlock.objects.filter(user=action.owner, lifted_at__isnull=True):
            holds.unblock_account(operator=operator, block=block, reason=reason)
        websites.republish_owner_sites(owner_id=action.owner_id)
        comments.author_changed(user_ids=[action.owner_id])
    elif action.kind == Kind.HIDE_COMMENT and action.comment is not None:
        comments.restore_by_moderation(comment=action.comment)
    elif action.kind == Kind.BLOCK_SITE and action.site is not None:
        websites.unblock_site(site=action.site)
    elif action.kind == Kind.HIDE_PHOTO and action.post_id is not None:
        Post.objects.filter(pk=action.post_id).update(hidden_by_moderation_at=None)
        websites.republish_owner_sites(owner_id=action.owner_id)


def unblock_account(*, operator: User, block: AccountBlock, reason: str) -> bool:
    """Lift an account block (audited in ``privacy.holds``); its sites come back online."""
    if not holds.unblock_account(operator=operator, block=block, reason=reason):
        return False
    websites.republish_owner_sites(owner_id=block.user_id)
    comments.author_changed(user_ids=[block.user_id])
    return True


def appeal(*, owner: User, action: ModerationAction, text: str) -> bool:
    """The owner appeals once; False when this action was already appealed."""
    if not text.strip():
        raise ValueError("an appeal says why")
    appealed = ModerationAction.objects.filter(
        pk=action.pk, owner=owner, appeal=ModerationAction.Appeal.NONE
    ).update(
        appeal=ModerationAction.Appeal.PENDING, appeal_text=text.strip(), appealed_at=timezone.now()
    )
    return bool(appealed)


def answer_appeal(*, operator: User, action: ModerationAction, reverse: bool, answer: str) -> bool:
    """Moderation answers an appeal: upheld, or reversed (the action is undone). The answer is
    shown to the owner and emailed. False when it was answered already."""
    outcome = ModerationAction.Appeal.REVERSED if reverse else ModerationAction.Appeal.UPHELD
    with transaction.atomic():
        record_action(
            actor=operator,
            role=MODERATION,
            action=f"answer appeal: {outcome}",
            target=f"moderation-action:{action.pk}",
            reason=answer,
            subject=action.owner,
        )
        answered = ModerationAction.objects.filter(
            pk=action.pk, appeal=ModerationAction.Appeal.PENDING
        ).update(appeal=outcome, appeal_answer=answer.strip(), appeal_answered_at=timezone.now())
        if not answered:
            transaction.set_rollback(True)
            return False
        action.refresh_from_db()
        if reverse:
            undo(operator=operator, action=action, reason=f"appeal granted: {answer}")
        send_action_notice(action=action)
    return True
