"""Billing's service emails (always sent, P29), through the one mail room."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from mosaic.mail.services import Attachment, send

if TYPE_CHECKING:
    from mosaic.accounts.models import User
    from mosaic.billing.models import Invoice


#: The invoice's PDF, drawn when the email is sent (``invoices.invoice_pdf_file``).
INVOICE_PDF = "billing.invoice_pdf"


def _billing_url() -> str:
    return settings.SITE_URL + reverse("billing:account")


def _about_grace(template: str, *, user: User, grace_until: dt.datetime) -> None:
    if user.email:
        context = {"user": user, "grace_until": grace_until, "billing_url": _billing_url()}
        send(template, to=user.email, user=user, context=context)


def payment_failed(*, user: User, grace_until: dt.datetime) -> None:
    _about_grace("billing/email/payment_failed", user=user, grace_until=grace_until)


def grace_ending(*, user: User, grace_until: dt.datetime) -> None:
    _about_grace("billing/email/grace_ending", user=user, grace_until=grace_until)


def downgraded(*, user: User) -> None:
    if user.email:
        context = {"user": user, "billing_url": _billing_url()}
        send("billing/email/downgraded", to=user.email, user=user, context=context)


def invoice_issued(*, invoice: Invoice) -> None:
    user = invoice.user
    if user is not None and user.email:
        context = {
            "user": user,
            "invoice": invoice,
            "invoice_url": settings.SITE_URL + reverse("billing:invoice", args=[invoice.number]),
        }
        send(
            "billing/email/invoice",
            to=user.email,
            user=user,
            context=context,
            attachments=[Attachment(INVOICE_PDF, invoice.pk)],
        )
