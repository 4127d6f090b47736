from __future__ import annotations

from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Plans and their limits, subscriptions through a payment provider, numbered invoices."""

    name = "mosaic.billing"
