from __future__ import annotations

from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Plans and their limits, subscriptions through a payment provider, numbered invoices."""

    name = "mosaic.billing"

    def ready(self) -> None:
        from mosaic.billing import emails, invoices
        from mosaic.mail.services import register_attachment

        register_attachment(emails.INVOICE_PDF, invoices.invoice_pdf_file)
