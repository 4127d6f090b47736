"""What the privacy policy says of organizations (C8, P24)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="organizations",
        app="mosaic.organizations",
        order=66,
        heading=_("Organizations"),
        template="organizations/policy.html",
        promises=("P24",),
    )
)
