"""Organization records as personal data (C8, P24, P20): a member's place in an organization,
and what its admins did about them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.lib.keys import delete_by_keys
from mosaic.organizations import closing
from mosaic.organizations.models import AdminAction, Membership
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import delete_due, sweep


@register
class OrganizationRecords(Category):
    key = "organization"
    title = _("Organization membership")
    description = _(
        "If your email domain belongs to an organization: your membership (role, since when, "
        "through which domain), the restrictions its admins set, and every action they took "
        "about you: who, what, when and why."
    )
    purpose = _(
        "To let the organization manage its members within the powers shown to them, and to "
        "show each member everything done about them."
    )
    legal_basis = _(
        "Legitimate interest of the organization that owns the email domain, and your right "
        "to see what is done about you."
    )
    holdings = (
        Holding("organizations.Membership", ("user", "domain")),
        Holding("organizations.AdminAction", ("admin", "admin_name", "member", "detail", "reason")),
    )

    def retention(self) -> Text:
        return _(
            "The membership as long as your address is at the domain; each admin action "
            "%(days)s days, then deleted, or with your account."
        ) % {"days": settings.AUDIT_LOG_DAYS}

    def export(self, user: User) -> dict[str, Any]:
        membership = (
            Membership.objects.filter(user=user).select_related("organization", "domain").first()
        )
        actions = AdminAction.objects.filter(member=user).order_by("at")
        return {
            "membership": None
            if membership is None
            else {
                "organization": membership.organization.name,
                "role": membership.role,
                "domain": membership.domain.name if membership.domain else None,
                "notified_at": membership.notified_at.isoformat(),
                "claimed_at": membership.claimed_at.isoformat() if membership.claimed_at else None,
                "suspended_at": membership.suspended_at.isoformat()
                if membership.suspended_at
                else None,
                "restrictions": {
                    "no_deleting": membership.no_deleting,
                    "no_privacy_changes": membership.no_privacy_changes,
                    "no_instagram": membership.no_instagram,
                },
            },
            "admin_actions_about_you": [
                {
                    "at": action.at.isoformat(),
                    "admin": action.admin_name,
                    "action": action.kind,
                    "detail": action.detail,
                    "reason": action.reason_text,
                }
                for action in actions
            ],
            "admin_actions_you_took": [
                {"at": action.at.isoformat(), "action": action.kind, "reason": action.reason_text}
                for action in AdminAction.objects.filter(admin=user).order_by("at")
            ],
        }

    def quarantine(self, user: User) -> None:
        """P08, C8: an owner who deletes their account hands the organization on now, not in
        180 days (``closing.after_owners_leave`` says why); restoring the account later does
        not take it back."""
        closing.after_owners_leave(user_ids=[user.pk])

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """The membership and the actions about the account go; an admin's own actions stay
        with the members they concern, the admin's name redacted. Four queries for the whole
        batch, its keys as one array (``mosaic.lib.keys``).

        An organization whose owner is in the batch is first passed to its longest-standing
        admin, or deleted when it has none (``closing.after_owners_leave``): left ownerless,
        nobody could hand it over, delete it or give up its domains, and its verified domains
        would go on claiming new accounts. (This happens when the quarantine starts,
        ``quarantine``; here it catches any account erased without one.)"""
        ids = [user.pk for user in users]
        closing.after_owners_leave(user_ids=ids)
        about = delete_by_keys(AdminAction.objects.filter(member__any=ids))
        redacted = AdminAction.objects.filter(admin__any=ids).update(admin=None, admin_name="")
        return about + redacted + delete_by_keys(Membership.objects.filter(user__any=ids))


exempt(
    "organizations.Organization",
    ("name",),
    reason="The name of a school, company or shop; it describes no person.",
)
exempt(
    "organizations.AdminAction",
    ("organization_name",),
    reason="The organization's name, kept on each action so the member still sees whose "
    "admins acted once the organization is deleted; it describes no person.",
)
exempt(
    "organizations.Domain",
    ("name", "token", "last_result"),
    reason="An organization's email domain, its random verification token and the DNS answer.",
)


@sweep(
    name="organization-actions",
    promise="P24",
    help="Deletes organization admins' actions AUDIT_LOG_DAYS after they were taken.",
)
def delete_old_admin_actions(now: dt.datetime, dry_run: bool) -> int:
    due = AdminAction.objects.filter(at__lte=now - dt.timedelta(days=settings.AUDIT_LOG_DAYS))
    return delete_due(due, dry_run=dry_run, now=now, user_field="member")
