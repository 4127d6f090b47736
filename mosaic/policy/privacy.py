"""Service notices received, as personal data (P27); policy texts are not personal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.policy.models import NoticeDelivery
from mosaic.privacy.registry import Category, Holding, Text, exempt, register


@register
class NoticesReceived(Category):
    key = "notices"
    title = _("Service notices sent to you")
    description = _(
        "Which notices to every user (such as policy changes) we emailed you, and when."
    )
    purpose = _("To tell every user once, and never twice, about changes they must know of.")
    legal_basis = _("Legal obligation to inform you of changes to our terms and this policy.")
    holdings = (Holding("policy.NoticeDelivery", ("user",)),)

    def retention(self) -> Text:
        return _("While your account exists.")

    def export(self, user: User) -> list[dict[str, Any]]:
        deliveries = NoticeDelivery.objects.filter(user=user).select_related("notice")
        return [
            {"subject": item.notice.subject, "written_at": item.claimed_at.isoformat()}
            for item in deliveries.order_by("claimed_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        ids = [user.pk for user in users]
        deleted, _by_model = NoticeDelivery.objects.filter(user__any=ids).delete()
        return deleted


exempt(
    "policy.PolicyVersion",
    ("summary", "body"),
    reason="The published policy text: the same for everyone, written by Mosaic.",
)
exempt(
    "policy.Notice",
    ("subject", "body", "digest"),
    reason="A notice's text: the same for every user, written by Mosaic's staff.",
)
