from __future__ import annotations

from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Abuse reports and what moderation does about them: hide, block, and the owner's appeal."""

    name = "mosaic.moderation"
