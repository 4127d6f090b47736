"""What the privacy policy says of a change of hands (P27)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="change-of-control",
        app="mosaic.controller",
        order=85,
        heading=_("If Mosaic changes hands"),
        template="controller/policy.html",
        promises=("P27",),
    )
)
