"""The operators' audit log as personal data (P25, P34)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.privacy.registry import Category, Holding, Text, register
from mosaic.privacy.sweeps import delete_due, not_held, sweep
from mosaic.staff.models import AuditEntry


@register
class OperatorActions(Category):
    key = "operator-actions"
    title = _("Operator actions")
    description = _(
        "For people who work on Mosaic: each access to personal data you made, with its reason."
    )
    purpose = _("To prove every access to personal data was within its role and justified.")
    legal_basis = _("Legal obligation and legitimate interest in accountability.")
    holdings = (
        Holding(
            "staff.AuditEntry",
            (
                "actor",
                "actor_name",
                "role",
                "action",
                "target",
                "subject",
                "case_reference",
                "reason",
            ),
        ),
    )

    def retention(self) -> Text:
        return _("%(days)s days, then deleted.") % {"days": settings.AUDIT_LOG_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {"at": entry.at.isoformat(), "action": entry.action, "target": entry.target}
            for entry in AuditEntry.objects.filter(actor=user).order_by("at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """The entries stay for their period (accountability); the operator's name is redacted.
        Entries about the account (``subject``) lose the link when the account row goes."""
        ids = [user.pk for user in users]
        return AuditEntry.objects.filter(actor__any=ids).update(actor=None, actor_name="")


@sweep(
    name="audit-log",
    promise="P34",
    help="Deletes operator audit entries AUDIT_LOG_DAYS after they were written.",
)
def delete_old_audit_entries(now: dt.datetime, dry_run: bool) -> int:
    """P34; P10: the entries of an operator whose account is held stay with it, and so do the
    entries about a held account (``subject``): both are part of the case."""
    due = not_held(AuditEntry.objects.filter(delete_after__lte=now), user_field="subject", now=now)
    return delete_due(due, dry_run=dry_run, now=now, user_field="actor")
