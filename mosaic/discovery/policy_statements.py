"""What the privacy policy says of the directory, search and similar sites (P18, P28)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="directory",
        app="mosaic.discovery",
        order=45,
        heading=_("The directory, search and similar sites"),
        template="discovery/policy.html",
        promises=("P18", "P28", "P31"),
    )
)
