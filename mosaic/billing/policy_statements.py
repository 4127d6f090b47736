"""What the privacy policy says of payments (P04, P09)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mosaic.policy.statements import Statement, declare

declare(
    Statement(
        key="payments",
        app="mosaic.billing",
        order=60,
        heading=_("Payments and invoices"),
        template="billing/policy.html",
        promises=("P04", "P09"),
    )
)
