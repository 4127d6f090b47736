"""Invoices: issued when a payment succeeds, numbered without gaps, shown as HTML and PDF.

1. ``issue_for_payment`` (from the provider's ``invoice.paid`` event) takes the net price of
   the paid plan, the VAT of the buyer's country (``billing.vat``) and the buyer block from
   the owner's billing details (P17: asked for only when upgrading; the username alone if
   none were given), all in one transaction with
2. the number: ``get_next_value`` of django-sequences row-locks the counter of the series
   and year until the commit, so two invoices never share a number and a rolled-back one
   leaves no gap (``2026-000001``, ``2026-000002``, ...; ``A-2026-000001`` for series "A").
3. After the commit, the owner gets an email with the invoice's PDF attached and its link.
   The mail queue keeps only a reference to the invoice (``mail.services.Attachment``) and
   ``invoice_pdf_file`` draws the PDF again when the message is sent, in the email's language.

The PDF is drawn with fpdf2 on request from the stored invoice (docs/operations.md
"Billing" has the measurement behind the choice against WeasyPrint); nothing but the
invoice row is stored. A character outside the fonts' Latin and Cyrillic shows as a box.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sequences import get_next_value

from mosaic.accounts.models import User
from mosaic.billing import emails
from mosaic.billing.models import BillingDetails, Invoice
from mosaic.billing.plans import PAID
from mosaic.billing.vat import vat_for
from mosaic.mail.services import File

# DejaVu Sans cut to Latin and Cyrillic (fonts/make_subset.py): a PDF parses 60 KB, not 750 KB.
FONT = Path(__file__).parent / "fonts" / "DejaVuSans-invoice.ttf"
FONT_BOLD = Path(__file__).parent / "fonts" / "DejaVuSans-Bold-invoice.ttf"


def number_for(*, series: str, year: int, sequence: int) -> str:
    base = f"{year}-{sequence:06d}"
    return f"{series}-{base}" if series else base


def next_number(*, series: str, year: int) -> tuple[int, str]:
    """The next number of the series and year; call inside the transaction that saves it."""
    sequence = get_next_value(f"invoice:{series}:{year}", initial_value=1)
    return sequence, number_for(series=series, year=year, sequence=sequence)


def seller_block() -> dict[str, str]:
    return {
        "name": settings.BILLING_SELLER_NAME,
        "address": settings.BILLING_SELLER_ADDRESS,
        "country": settings.BILLING_SELLER_COUNTRY,
        "vat_id": settings.BILLING_SELLER_VAT_ID,
    }


def buyer_block(user: User) -> dict[str, str]:
    """What the invoice must name of the buyer: the billing details, else the username."""
    details = BillingDetails.objects.filter(user=user).first()
    if details is None:
        return {"name": user.username, "address": "", "country": "", "vat_id": ""}
    return {
        "name": details.name or user.username,
        "address": details.address,
        "country": details.country,
        "vat_id": details.vat_id,
    }


def _date(value: Any, default: dt.date) -> dt.date:
    if isinstance(value, int) and value > 0:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
    return default


def issue_for_payment(*, provider: str, user: User, payment: dict[str, Any]) -> Invoice:
    """Mosaic's invoice for one paid provider invoice (once per ``payment["id"]``)."""
    ref = str(payment.get("id") or "")[:100]
    existing = Invoice.objects.filter(provider=provider, provider_ref=ref).first()
    if existing is not None:
        return existing
    now = timezone.now()
    buyer = buyer_block(user)
    country = buyer["country"] or settings.BILLING_SELLER_COUNTRY
    vat = vat_for(net=PAID.price, country=country, vat_id=buyer["vat_id"])
    today = now.date()
    with transaction.atomic():
        series = settings.BILLING_INVOICE_SERIES
        sequence, number = next_number(series=series, year=now.year)
        description = _("Mosaic, paid plan: one month")
        invoice = Invoice.objects.create(
            user=user,
            provider=provider,
            provider_ref=ref,
            series=series,
            year=now.year,
            sequence=sequence,
            number=number,
            issued_at=now,
            period_start=_date(payment.get("period_start"), today),
            period_end=_date(payment.get("period_end"), today + dt.timedelta(days=30)),
            description=str(description),
            currency=PAID.currency,
            net=PAID.price,
            vat_rate=vat.rate,
            vat=vat.amount,
            total=PAID.price + vat.amount,
            vat_note=vat.note,
            seller=seller_block(),
            buyer=buyer,
            buyer_country=country,
        )
        transaction.on_commit(lambda: _email(invoice.pk))
    return invoice


def _email(invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("user").get(pk=invoice_id)
    with transaction.atomic():
        emails.invoice_issued(invoice=invoice)
        Invoice.objects.filter(pk=invoice_id).update(emailed_at=timezone.now())


# --- PDF ------------------------------------------------------------------------------------
def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f} {currency}"


def pdf_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.number}.pdf"


def invoice_pdf_file(invoice_id: int) -> File:
    """The PDF attached to the invoice email (registered in ``BillingConfig.ready``), drawn at
    send time in the active language; ``Invoice.DoesNotExist`` when the invoice is gone."""
    invoice = Invoice.objects.get(pk=invoice_id)
    return File(pdf_filename(invoice), render_pdf(invoice), "application/pdf")


def render_pdf(invoice: Invoice) -> bytes:
    """The invoice as a one-page A4 PDF (fpdf2), in the current language."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_("Invoice %(number)s") % {"number": invoice.number})
    pdf.set_creator("Mosaic")
    pdf.add_font("body", "", str(FONT))
    pdf.add_font("body", "B", str(FONT_BOLD))
    family = "body"
    pdf.add_page()
    pdf.set_font(family, "B", 18)
    pdf.cell(
        0, 10, _("Invoice %(number)s") % {"number": invoice.number}, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, "", 10)
    pdf.cell(
        0,
        6,
        _("Date: %(day)s") % {"day": invoice.issued_at.date().isoformat()},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    top = pdf.get_y()
    for x, heading, block in ((10, _("Seller"), invoice.seller), (110, _("Buyer"), invoice.buyer)):
        pdf.set_xy(x, top)
        pdf.set_font(family, "B", 10)
        pdf.cell(90, 6, heading, new_x="LEFT", new_y="NEXT")
        pdf.set_font(family, "", 10)
        lines = [
            block.get("name", ""),
            *str(block.get("address", "")).splitlines(),
            block.get("country", ""),
        ]
        if block.get("vat_id"):
            lines.append(_("VAT number: %(id)s") % {"id": block["vat_id"]})
        pdf.multi_cell(90, 5, "\n".join(line for line in lines if line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(10, top + 40)
    pdf.set_font(family, "B", 10)
    pdf.cell(120, 7, _("Description"), border="B")
    pdf.cell(0, 7, _("Amount"), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    period = f"{invoice.period_start.isoformat()} \N{EN DASH} {invoice.period_end.isoformat()}"
    pdf.cell(120, 7, f"{invoice.description} ({period})")
    pdf.cell(0, 7, _money(invoice.net, invoice.currency), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(120, 7, _("VAT %(rate)s%%") % {"rate": invoice.vat_rate})
    pdf.cell(0, 7, _money(invoice.vat, invoice.currency), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 11)
    pdf.cell(120, 8, _("Total"), border="T")
    pdf.cell(
        0,
        8,
        _money(invoice.total, invoice.currency),
        border="T",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if invoice.vat_note:
        pdf.set_font(family, "", 9)
        pdf.ln(3)
        pdf.multi_cell(0, 5, invoice.vat_note)
    pdf.set_font(family, "", 9)
    pdf.ln(3)
    pdf.multi_cell(0, 5, _("Paid. Thank you."))
    return bytes(pdf.output())
