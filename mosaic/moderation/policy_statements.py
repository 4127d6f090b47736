"""What the privacy policy says of abuse reports and moderation (P10, P11)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="moderation",
        app="mosaic.moderation",
        order=65,
        heading=_("Reports and moderation"),
        template="moderation/policy.html",
        promises=("P10", "P11"),
    )
)
