"""What the privacy policy says of profiles: display name and avatar (P22, P28)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="profile",
        app="mosaic.profiles",
        order=45,
        heading=_("Your display name and avatar"),
        template="profiles/policy.html",
        promises=("P22", "P28"),
    )
)
