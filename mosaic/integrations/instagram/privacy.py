"""Personal-data category for the Instagram connection (P01, P02, P08, P20)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.integrations.instagram.services import disconnect
from mosaic.privacy.registry import Category, Holding, Text, exempt, register


@register
class InstagramData(Category):
    key = "instagram"
    title = _("Instagram connection")
    description = _(
        "Your Instagram account id and username, and the access token Instagram gave us"
        " (stored encrypted). Never your Instagram password."
    )
    purpose = _("To import your posts and pick up new ones.")
    legal_basis = _("Contract: you asked us to build your site from your Instagram account.")
    holdings = (
        Holding(
            "instagram.InstagramConnection",
            ("user", "instagram_user_id", "username", "access_token"),
        ),
        Holding("instagram.DataDeletionRequest", ("instagram_user_id",)),
    )

    def retention(self) -> Text:
        return _(
            "Until you disconnect Instagram or delete your account; a deletion request from"
            " Instagram keeps only its confirmation code and dates once done."
        )

    def export(self, user: User) -> dict[str, Any] | None:
        connection = InstagramConnection.objects.filter(user=user).first()
        if connection is None:
            return None
        return {
            "instagram_user_id": connection.instagram_user_id,
            "username": connection.username,
            "status": connection.status,
            "connected_at": connection.connected_at.isoformat(),
            "token_expires_at": connection.token_expires_at.isoformat(),
        }

    def erase(self, user: User) -> int:
        return int(disconnect(user=user))

    def quarantine(self, user: User) -> None:
        """P08: a deleted account's Instagram connection is revoked at once."""
        disconnect(user=user)


exempt(
    "instagram.DataDeletionRequest",
    ("confirmation_code",),
    reason="A random code Meta shows the person to look up their request; it identifies no one.",
)
