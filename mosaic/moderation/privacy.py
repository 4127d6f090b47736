"""Abuse reports and moderation decisions as personal data (P01, P10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.moderation.models import AbuseReport, ModerationAction
from mosaic.privacy.registry import Category, Holding, Text, register
from mosaic.privacy.sweeps import delete_due, sweep


@register
class AbuseReports(Category):
    key = "abuse-reports"
    title = _("Abuse reports")
    description = _(
        "When you report a site or a photo: the reason you chose, what you wrote and, if you"
        " gave it, your email address. We keep no record of your internet address."
    )
    purpose = _("To keep sites free of abuse, and to ask you about your report.")
    legal_basis = _("Legitimate interest in a service free of abuse; legal obligation.")
    holdings = (Holding("moderation.AbuseReport", ("ground", "details", "email", "handled_by")),)

    def retention(self) -> Text:
        return _(
            "%(days)s days after a moderator handled it; longer while the site it is about is"
            " blocked and kept."
        ) % {"days": settings.MODERATION_REPORT_DAYS}

    def export(self, user: User) -> list[Any]:
        # Reports are not tied to an account (anyone may report), and a report about your
        # site is not yours to read: its author is protected. Decisions are (below).
        return []

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """Reports about the accounts' sites go with the sites; a moderator's name is dropped."""
        ids = [user.pk for user in users]
        return AbuseReport.objects.filter(handled_by__any=ids).update(handled_by=None)


@register
class ModerationDecisions(Category):
    key = "moderation-decisions"
    title = _("Moderation decisions")
    description = _(
        "What our moderators did about your sites or photos after a report, the reason we gave"
        " you, your appeal and our answer."
    )
    purpose = _("To tell you why, to let you appeal once, and to answer for our decisions.")
    legal_basis = _("Legitimate interest in a service free of abuse; legal obligation.")
    holdings = (
        Holding(
            "moderation.ModerationAction",
            ("ground", "owner", "reason", "decided_by", "appeal_text", "appeal_answer"),
        ),
    )

    def retention(self) -> Text:
        return _(
            "While your account exists; after a block, at least %(days)s days, even if you ask"
            " to delete it."
        ) % {"days": settings.PRIVACY_BLOCK_KEEP_DAYS}

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "kind": action.kind,
                "ground": action.ground,
                "decided_at": action.decided_at.isoformat(),
                "reason": action.reason,
                "appeal": action.appeal,
                "appeal_text": action.appeal_text,
                "appeal_answer": action.appeal_answer,
            }
            for action in ModerationAction.objects.filter(owner=user).order_by("decided_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """Reached only past every block's keeping period (P10): the decisions about the
        accounts go; a moderator's own account only loses its name on theirs."""
        ids = [user.pk for user in users]
        ModerationAction.objects.filter(decided_by__any=ids).update(decided_by=None)
        deleted, _by_model = ModerationAction.objects.filter(owner__any=ids).delete()
        return deleted


@sweep(
    name="moderation.reports",
    promise="P10",
    help=(
        "Deletes abuse reports MODERATION_REPORT_DAYS after a moderator handled them, except"
        " while the account of the site they are about is held or blocked."
    ),
)
def delete_handled_reports(now: dt.datetime, dry_run: bool) -> int:
    cutoff = now - dt.timedelta(days=settings.MODERATION_REPORT_DAYS)
    due = AbuseReport.objects.filter(handled_at__lte=cutoff)
    return delete_due(due, dry_run=dry_run, user_field="site__owner", now=now)
