"""What an organization's admins can do about a member (C8), each step an ``AdminAction``
the member sees (P24) and an entry in the staff core's action log (P25's log, role
``organization-admin``).

Admins (owners and admins) act only on claimed members of their own organization, never on
themselves, and an admin never on an owner. Every action needs a second factor (an
authenticator app or a security key) and a stated reason; the views add a recent
re-authentication (P32). There is no power to read passwords, session contents, second-factor
secrets or unpublished drafts, and none to sign in as the member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.mail.services import send
from mosaic.organizations import events, reasons, rights
from mosaic.organizations.models import AdminAction, Membership
from mosaic.staff.reasons import PREFIX, stored
from mosaic.staff.roles import has_second_factor
from mosaic.staff.services import log_entry

AUDIT_ROLE = "organization-admin"
Kind = AdminAction.Kind


class NotAllowed(PermissionDenied):
    pass


def admin_membership(user: User) -> Membership | None:
    membership = (
        Membership.objects.filter(user_id=user.pk).select_related("organization").first()
        if user.is_authenticated
        else None
    )
    if membership is None or not membership.is_admin:
        return None
    # An organization being deleted has no admin powers left (``closing``).
    return membership if membership.organization.closing_at is None else None


def authorize(*, admin: User, member: User) -> tuple[Membership, Membership]:
    """The admin's and the member's memberships, or ``NotAllowed``."""
    mine = admin_membership(admin)
    if mine is None:
        raise NotAllowed("not an admin of an organization")
    if not has_second_factor(admin):
        raise NotAllowed("organization admins need a second factor")
    theirs = (
        Membership.objects.select_for_update(of=("self",))
        .filter(user_id=member.pk, organization_id=mine.organization_id)
        .select_related("user", "organization")
        .first()
    )
    if theirs is None or not theirs.is_claimed or member.pk == admin.pk:
        raise NotAllowed("not a member this admin may act on")
    if theirs.role == Membership.Role.OWNER and mine.role != Membership.Role.OWNER:
        raise NotAllowed("only an owner acts on an owner")
    return mine, theirs


def _record(
    *,
    admin: User | None,
    theirs: Membership,
    kind: str,
    reason: str,
    detail: str = "",
    security: bool = False,
    now: dt.datetime,
    template: str = "organizations/email/action",
) -> AdminAction:
    """P24: the member's visible entry and the audit entry, in the change's transaction;
    the email to the member after commit (not for views, and not for a security suspension,
    which the member is shown when they next try to sign in). ``admin`` is None only when
    Mosaic itself acts, for an owner whose account is being erased (their name is not kept)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("an admin action needs a stated reason")
    typed = admin is not None and kind != Kind.VIEW  # Mosaic writes the others' reasons
    if typed and reason.lower().startswith(PREFIX):
        raise ValueError("a typed reason cannot pass for one Mosaic wrote")
    admin_name = admin.username if admin is not None else ""
    action = AdminAction.objects.create(
        organization=theirs.organization,
        organization_name=theirs.organization.name,
        admin=admin,
        admin_name=admin_name,
        member=theirs.user,
        kind=kind,
        detail=detail,
        reason=reason,
        security=security,
        at=now,
    )
    log_entry(
        actor=admin,
        role=AUDIT_ROLE,
        action=f"organization.{kind}",
        target=action.audit_target,
        subject=theirs.user,
        reason=reason,
        now=now,
    )
    if kind != Kind.VIEW and not security:
        send(
            template,
            to=theirs.user.email,
            user=theirs.user,
            context={
                "action": action,
                "organization": theirs.organization,
                "right": rights.LABELS.get(detail, ""),
                "page_url": settings.SITE_URL.rstrip("/") + "/panel/organization/me/",
                "panel_url": settings.SITE_URL.rstrip("/") + "/panel/organization/",
            },
        )
        AdminAction.objects.filter(pk=action.pk).update(emailed_at=now)
    return action


def _end_sessions(user: User) -> None:
    for record in UserSession.objects.filter(user=user):
        record.end()


#: Opening a member's page again within this time adds no new "looked at" entry.
VIEW_WINDOW = dt.timedelta(hours=1)


def view_member(*, admin: User, member: User) -> AdminAction:
    """The admin opened the member's page (account details and site statistics): one entry
    per admin and member per hour, so coming back after an action does not bury the list."""
    now = timezone.now()
    with transaction.atomic():
        _mine, theirs = authorize(admin=admin, member=member)
        recent = AdminAction.objects.filter(
            admin=admin, member=member, kind=Kind.VIEW, at__gt=now - VIEW_WINDOW
        ).first()
        if recent is not None:
            return recent
        return _record(
            admin=admin,
            theirs=theirs,
            kind=Kind.VIEW,
            reason=stored(reasons.VIEWED),
            now=now,
        )


def require_new_password(*, admin: User, member: User, reason: str) -> AdminAction:
    """The password stops working and every session ends; the member sets a new one
    through the password-reset page (the admin never sees or sets it)."""
    with transaction.atomic():
        _mine, theirs = authorize(admin=admin, member=member)
        action = _record(
            admin=admin, theirs=theirs, kind=Kind.PASSWORD_RESET, reason=reason, now=timezone.now()
        )
        theirs.user.set_unusable_password()
        theirs.user.save(update_fields=["password"])
        _end_sessions(theirs.user)
    return action


def suspend(*, admin: User, member: User, reason: str, security: bool = False) -> AdminAction:
    """Sign-in refused (``SuspendedMemberMiddleware``) and every site offline until lifted."""
    now = timezone.now()
    with transaction.atomic():
        _mine, theirs = authorize(admin=admin, member=member)
        if theirs.suspended_at is not None:
            raise NotAllowed("already suspended")
        action = _record(
            admin=admin, theirs=theirs, kind=Kind.SUSPEND, reason=reason, security=security, now=now
        )
        Membership.objects.filter(pk=theirs.pk).update(
            suspended_at=now, suspended_for_security=security
        )
        _end_sessions(theirs.user)
        events.member_offline.send(sender=Membership, user_id=theirs.user_id)
    return action


def lift_suspension(*, admin: User, member: User, reason: str) -> AdminAction:
    with transaction.atomic():
        _mine, theirs = authorize(admin=admin, member=member)
        if theirs.suspended_at is None:
            raise NotAllowed("not suspended")
        action = _record(
            admin=admin, theirs=theirs, kind=Kind.UNSUSPEND, reason=reason, now=timezone.now()
        )
        Membership.objects.filter(pk=theirs.pk).update(
            suspended_at=None, suspended_for_security=False
        )
        events.member_online.send(sender=Membership, user_id=theirs.user_id)
    return action


def block(*, admin: User, member: User, reason: str) -> AdminAction:
    """Remove the member from the organization for good: their address no longer brings them
    in, every restriction and suspension ends, and the account and its sites stay theirs."""
    now = timezone.now()
    with transaction.atomic():
        _mine, theirs = authorize(admin=admin, member=member)
        action = _record(admin=admin, theirs=theirs, kind=Kind.BLOCK, reason=reason, now=now)
        was_suspended = theirs.suspended_at is not None
        Membership.objects.filter(pk=theirs.pk).update(
            blocked_at=now,
            role=Membership.Role.MEMBER,
            suspended_at=None,
            suspended_for_security=False,
            no_deleting=False,
            no_privacy_changes=False,
            no_instagram=False,
        )
        if was_suspended:
            events.member_online.send(sender=Membership, user_id=theirs.user_id)
    return action


def set_right(*, admin: User, member: User, right: str, allowed: bool, reason: str) -> AdminAction:
    """Take a right away (``allowed=False``) or give it back."""
    if right not in rights.RIGHTS:
        raise ValueError(f"unknown right {right!r}")
    with transaction.atomic():
        _mine, theirs = authorize(admin=admin, member=member)
        if getattr(theirs, right) == (not allowed):
            raise NotAllowed("nothing to change")
        kind = Kind.UNRESTRICT if allowed else Kind.RESTRICT
        action = _record(
            admin=admin, theirs=theirs, kind=kind, detail=right, reason=reason, now=timezone.now()
        )
        Membership.objects.filter(pk=theirs.pk).update(**{right: not allowed})
    return action


def set_role(*, admin: User, member: User, role: str, reason: str) -> AdminAction:
    """Owners make members admins and back (an owner stays an owner)."""
    if role not in (Membership.Role.ADMIN, Membership.Role.MEMBER):
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        mine, theirs = authorize(admin=admin, member=member)
        if mine.role != Membership.Role.OWNER or theirs.role == Membership.Role.OWNER:
            raise NotAllowed("only owners change roles, and not an owner's")
        action = _record(
            admin=admin,
            theirs=theirs,
            kind=Kind.ROLE,
            detail=role,
            reason=reason,
            now=timezone.now(),
        )
        Membership.objects.filter(pk=theirs.pk).update(role=role)
    return action


def hand_over(*, owner: User, to: User, reason: str) -> AdminAction:
    """The owner makes one of the organization's claimed admins its owner and becomes an admin
    (C8). Like every admin action (P24) it is the new owner's visible entry, an audit entry and
    an email, which tells them what the organization's owner can do; the old owner is emailed
    a receipt too."""
    with transaction.atomic():
        mine, theirs = authorize(admin=owner, member=to)
        if mine.role != Membership.Role.OWNER:
            raise NotAllowed("only the owner hands the organization over")
        if theirs.role != Membership.Role.ADMIN:
            raise NotAllowed("the organization goes to one of its admins")
        if theirs.user.in_quarantine:  # P08: they cannot sign in to answer for it
            raise NotAllowed("that admin's account is being deleted")
        action = _record(
            admin=owner,
            theirs=theirs,
            kind=Kind.HAND_OVER,
            reason=reason,
            now=timezone.now(),
            template="organizations/email/owner",
        )
        Membership.objects.filter(pk=theirs.pk).update(role=Membership.Role.OWNER)
        Membership.objects.filter(pk=mine.pk).update(role=Membership.Role.ADMIN)
        # The old owner's receipt, in their language (the one they act in, User.language):
        # proof of what they did, and an alarm if it was not them.
        send(
            "organizations/email/handed_over",
            to=owner.email,
            user=owner,
            context={
                "action": action,
                "organization": theirs.organization,
                "new_owner": theirs.user.username,
                "panel_url": settings.SITE_URL.rstrip("/") + "/panel/organization/",
            },
        )
    return action


def heirs(membership: Membership, *, leaving: Sequence[int] = ()) -> QuerySet[Membership]:
    """Who may take an organization over when its owner's account goes, first first: its
    admins, the one who has been a member longest first (claimed first; an admin's promotion
    date is not kept), not blocked, not leaving with the owner and not in their own deletion
    quarantine (P08: they cannot sign in to answer for it)."""
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id,
            role=Membership.Role.ADMIN,
            claimed_at__isnull=False,
            blocked_at__isnull=True,
            user__scheduled_deletion_at__isnull=True,
        )
        .exclude(user__any=list(leaving))
        .select_related("user", "organization")
        .order_by("claimed_at", "pk")
    )


def successor(membership: Membership, *, leaving: Sequence[int] = ()) -> Membership | None:
    """The first of ``heirs``, locked (call it in the transaction that passes the
    organization on)."""
    return heirs(membership, leaving=leaving).select_for_update(of=("self",)).first()


def pass_on(*, heir: Membership, now: dt.datetime | None = None) -> AdminAction:
    """The owner's account is being deleted (P08): ``heir`` becomes the owner. Recorded and
    emailed like a hand-over (P24), with no admin named, since the leaving owner's name is
    erased with their account."""
    with transaction.atomic():
        action = _record(
            admin=None,
            theirs=heir,
            kind=Kind.HAND_OVER,
            reason=stored(reasons.PASSED_ON),
            now=now or timezone.now(),
            template="organizations/email/owner",
        )
        Membership.objects.filter(pk=heir.pk).update(role=Membership.Role.OWNER)
    return action
