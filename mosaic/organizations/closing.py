"""An organization ends: its owner deletes it, or its owner's account goes (C8, P08, P24, P34).

Deleting starts in the owner's request and finishes in the background:

1. At once, in one transaction (``start_closing``): the audit entry, ``closing_at`` set (no
   admin acts any more: ``powers.admin_membership``), the domains deleted (nobody new joins,
   nobody in a notice period is claimed), the memberships of the people leaving with it (the
   owner who deleted it, accounts being deleted) ended without an email, and the release task
   queued after commit. The request's cost does not grow with the number of members.
2. ``tasks.release_members`` releases ``ORGANIZATIONS_RELEASE_BATCH`` members per transaction
   (``release_batch``): each membership ends with its suspension, restrictions and block, and
   the person's email is written in the same transaction. The organization's row goes with
   the last batch. A worker dying mid-batch rolls that batch back whole; a batch done is done:
   a rerun, or two workers, find only what is left and mail nobody twice.
3. ``resume`` (the ``organizations.finish_closing`` job) queues the task again for an
   organization still closing after ``RESUME_AFTER``: a task lost with its worker.

An owner's account being deleted (``after_owners_leave``) hands the organization on to the
admin who has been a member longest, or deletes it as above when there is none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.mail.services import send
from mosaic.organizations import members, powers, reasons, tasks
from mosaic.organizations.models import Membership, Organization
from mosaic.staff.reasons import stored
from mosaic.staff.roles import has_second_factor
from mosaic.staff.services import log_entry

#: An organization still closing this long after the last time it was queued is queued again.
RESUME_AFTER = dt.timedelta(minutes=10)


def delete_organization(*, owner: User, now: dt.datetime | None = None) -> int:
    """Only the owner (with a second factor; the view adds a recent re-authentication, P32)
    deletes the organization. Returns how many other members are being released.

    What stays, and why: the admins' actions about each member (``AdminAction``, with the
    organization's name) and their operators' audit entries. P24 promises every admin action
    is visible to its member, and the organization closing does not undo what was done to
    them; P34 bounds both: the ``organization-actions`` and audit sweeps delete them
    ``AUDIT_LOG_DAYS`` after each action, and erasing the member's account takes theirs sooner.
    Nothing else of the organization is kept."""
    now = now or timezone.now()
    with transaction.atomic():
        mine = (
            Membership.objects.select_for_update(of=("self",))
            .filter(user_id=owner.pk, organization__closing_at__isnull=True)
            .select_related("organization")
            .first()
        )
        if mine is None or not mine.is_owner:
            raise powers.NotAllowed("only the owner deletes the organization")
        if not has_second_factor(owner):
            raise powers.NotAllowed("organization admins need a second factor")
        return start_closing(mine.organization, actor=owner, leaving=(owner.pk,), now=now)


def start_closing(
    organization: Organization, *, actor: User | None, leaving: Sequence[int], now: dt.datetime
) -> int:
    """Step 1 above. ``actor`` is None when Mosaic deletes it (its owner's account went); the
    accounts in ``leaving`` end their membership now, without an email. Returns how many other
    members the task will release."""
    everyone = Membership.objects.filter(organization=organization).count()
    code = reasons.DELETED_BY_OWNER if actor is not None else reasons.DISSOLVED_OWNER_LEFT
    log_entry(
        actor=actor,
        role=powers.AUDIT_ROLE,
        action="organization.delete",
        target=f"organization:{organization.pk}",
        reason=stored(code, count=everyone),
        now=now,
    )
    Organization.objects.filter(pk=organization.pk).update(closing_at=now)
    organization.closing_at = now
    organization.domains.all().delete()
    quiet = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(organization=organization, user__any=list(leaving))
        .select_related("user", "organization")
    )
    for membership in quiet:
        members.end_membership(membership=membership, tell=False)
    transaction.on_commit(partial(tasks.release_members.enqueue, organization.pk))
    return everyone - len(quiet)


def release_batch(*, organization_id: int, limit: int | None = None) -> int | None:
    """Step 2 above: release up to ``limit`` members of a closing organization, in one
    transaction. Returns how many, or None when the organization is gone (deleted with this
    batch, or before it)."""
    limit = limit or settings.ORGANIZATIONS_RELEASE_BATCH
    with transaction.atomic():
        organization = (
            Organization.objects.select_for_update()
            .filter(pk=organization_id, closing_at__isnull=False)
            .first()
        )
        if organization is None:
            return None
        batch = list(
            Membership.objects.select_for_update(of=("self",))
            .filter(organization=organization)
            .select_related("user", "organization", "domain")
            .order_by("pk")[:limit]
        )
        for membership in batch:
            members.release(membership=membership)
        if len(batch) < limit:
            organization.delete()  # its admins' actions stay (SET_NULL), P24
            return None
        # Mark it queued again, so ``resume`` leaves a live chain alone.
        Organization.objects.filter(pk=organization.pk).update(closing_at=timezone.now())
        transaction.on_commit(partial(tasks.release_members.enqueue, organization.pk))
        return len(batch)


def resume(*, now: dt.datetime | None = None) -> int:
    """Step 3 above: queue again the release of every organization whose chain of tasks has
    not moved for ``RESUME_AFTER``. Returns how many were queued."""
    now = now or timezone.now()
    stalled = list(
        Organization.objects.filter(closing_at__lt=now - RESUME_AFTER)
        .order_by("closing_at")
        .values_list("pk", flat=True)[:100]
    )
    for organization_id in stalled:
        Organization.objects.filter(pk=organization_id).update(closing_at=now)
        transaction.on_commit(partial(tasks.release_members.enqueue, organization_id))
    return len(stalled)


def after_owners_leave(*, user_ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """P08, C8: the accounts ``user_ids`` are being deleted: when the quarantine starts
    (``privacy.OrganizationRecords.quarantine``) and, for any left, at final erasure. An
    organization one of them owns passes to its longest-standing admin (``powers.successor``),
    its other admins are told, and the old owner becomes an admin, as after a hand-over; one
    without another admin is deleted as its owner would (``start_closing``), since nobody else
    could ever manage, hand over or delete it. Returns how many organizations were deleted.
    One query when none of the accounts owns an organization.

    Why at the start of the quarantine and not at its end: for 180 days the owner cannot sign
    in, so an organization kept waiting for them would have nobody to answer for its admins,
    hand it over or delete it; and a domain left with an absent owner would go on claiming new
    accounts. The deletion page tells the owner beforehand what will happen and lets them hand
    it over or delete it themselves first; restoring the account does not undo the hand-on."""
    now = now or timezone.now()
    owned = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(
            user__any=list(user_ids),
            role=Membership.Role.OWNER,
            organization__closing_at__isnull=True,
        )
        .select_related("organization")
    )
    deleted = 0
    for membership in owned:
        heir = powers.successor(membership, leaving=user_ids)
        if heir is not None:
            powers.pass_on(heir=heir, now=now)
            Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.ADMIN)
            _tell_admins_passed_on(heir)
        else:
            start_closing(membership.organization, actor=None, leaving=user_ids, now=now)
            deleted += 1
    return deleted


def _tell_admins_passed_on(heir: Membership) -> None:
    """The other admins learn who answers for the organization now (the heir is told by the
    hand-over's own email)."""
    for admin in members.admins(heir.organization).exclude(pk=heir.pk):
        if admin.user.in_quarantine:
            continue
        send(
            "organizations/email/passed_on",
            to=admin.user.email,
            user=admin.user,
            context={
                "organization": heir.organization,
                "new_owner": heir.user.username,
                "panel_url": settings.SITE_URL.rstrip("/") + "/panel/organization/",
            },
        )


def fate_if_owner_leaves(user: User) -> tuple[Organization, User | None, int] | None:
    """For the account-deletion page: the organization ``user`` owns, who would take it over
    (None: it would be deleted), and how many other members it has; None for a non-owner."""
    membership = (
        Membership.objects.filter(user_id=user.pk, organization__closing_at__isnull=True)
        .select_related("organization")
        .first()
    )
    if membership is None or not membership.is_owner:
        return None
    heir = powers.heirs(membership, leaving=(user.pk,)).first()
    others = Membership.objects.filter(organization=membership.organization).exclude(
        pk=membership.pk
    )
    return membership.organization, heir.user if heir else None, others.count()
