"""Self-audit checks for organizations (P24): on live data, every admin action is audited
and visible to the member it concerns."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from mosaic.audit.registry import SWEEP_GRACE, audit_check
from mosaic.organizations.models import AdminAction, Membership, Organization
from mosaic.organizations.powers import AUDIT_ROLE
from mosaic.staff.models import AuditEntry

#: An email is queued in the action's own transaction; allow the worker this long.
MAIL_GRACE = dt.timedelta(hours=1)


@audit_check("P24")
def every_admin_action_is_audited_and_visible(now: dt.datetime) -> list[str]:
    """P24: each admin action has its audit entry, each audit entry about a member still here
    has the action the member's page lists, each action (but views and security suspensions)
    was emailed, and every suspension has the action that made it."""
    target = Concat(Value("org-action:"), Cast(OuterRef("pk"), output_field=CharField()))
    audited = AuditEntry.objects.filter(role=AUDIT_ROLE, target=target)
    actions = AdminAction.objects.annotate(audited=Exists(audited))
    unaudited = actions.filter(audited=False).count()
    action_targets = {
        f"org-action:{pk}" for pk in AdminAction.objects.values_list("pk", flat=True).iterator()
    }
    invisible = sum(
        1
        for target in AuditEntry.objects.filter(
            role=AUDIT_ROLE,
            subject__isnull=False,
            # both are swept at the end of the same period, by two sweeps on their own days
            delete_after__gt=now + SWEEP_GRACE,
        )
        .values_list("target", flat=True)
        .iterator()
        if target not in action_targets
    )
    unmailed = (
        AdminAction.objects.exclude(kind=AdminAction.Kind.VIEW)
        .filter(security=False, emailed_at__isnull=True, at__lt=now - MAIL_GRACE)
        .count()
    )
    orphaned = Membership.objects.filter(
        suspended_at__isnull=False, user__org_admin_actions__isnull=True
    ).count()
    found = []
    if unaudited:
        found.append(f"{unaudited} organization admin actions without an audit entry")
    if invisible:
        found.append(f"{invisible} audited organization admin actions the member cannot see")
    if unmailed:
        found.append(f"{unmailed} organization admin actions never emailed to the member")
    if orphaned:
        found.append(f"{orphaned} suspended members without the action that suspended them")
    return found


@audit_check("P24")
def every_organization_has_an_owner(now: dt.datetime) -> list[str]:
    """P24, C8: someone answers for each organization's admins and can hand it over or delete
    it. An owner's deleted account passes it to an admin or deletes it
    (``closing.after_owners_leave``); an organization left without an owner is a bug. One
    being deleted has none by design, but its members must all be released within a day
    (``closing``: the task, resumed every 10 minutes)."""
    owner = Membership.objects.filter(
        organization=OuterRef("pk"),
        role=Membership.Role.OWNER,
        claimed_at__isnull=False,
        blocked_at__isnull=True,
    )
    ownerless = Organization.objects.filter(closing_at__isnull=True).exclude(Exists(owner)).count()
    stuck = Organization.objects.filter(closing_at__lt=now - dt.timedelta(days=1)).count()
    found = []
    if ownerless:
        found.append(f"{ownerless} organizations without an owner")
    if stuck:
        found.append(f"{stuck} deleted organizations whose members are still not all released")
    return found
