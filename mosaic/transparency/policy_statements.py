"""What the privacy policy says of the transparency report (P26)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="transparency",
        app="mosaic.transparency",
        order=75,
        heading=_("Transparency report"),
        template="transparency/policy.html",
        promises=("P26",),
    )
)
