"""Moderation's emails to an owner: what was done and why, and the answer to an appeal."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from mosaic.mail.services import send
from mosaic.moderation.models import ModerationAction

APPEAL_SALT = "mosaic.moderation.appeal"


def appeal_url(action: ModerationAction) -> str:
    """Where the owner appeals: the panel, or (an account blocked cannot sign in) a signed
    link to this one decision."""
    if action.kind != ModerationAction.Kind.BLOCK_ACCOUNT:
        return settings.SITE_URL + reverse("moderation_panel:decisions")
    token = signing.dumps(action.pk, salt=APPEAL_SALT)
    return settings.SITE_URL + reverse("moderation:appeal_by_link", args=[token])


def send_action_notice(*, action: ModerationAction) -> None:
    """Service mail (always sent, P29): the decision or the appeal's answer, with the reason."""
    owner = action.owner
    if not owner.email:
        return
    context = {
        "user": owner,
        "action": action,
        "appeal_url": appeal_url(action),
    }
    send("moderation/email/action", to=owner.email, user=owner, context=context)
