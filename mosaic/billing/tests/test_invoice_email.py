"""The invoice email carries the invoice's PDF, in the email's language, through the one mail
path: the retry queue holds a reference to the invoice, and the PDF is drawn at send time."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from email.header import decode_header, make_header
from email.message import Message

import pytest
import time_machine

from mosaic.billing import emails
from mosaic.billing.models import Invoice
from mosaic.billing.tests.test_lifecycle import upgrade
from mosaic.mail.models import Delivery
from mosaic.mail.services import Attachment, send

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def pdf_texts(data: bytes) -> list[str]:
    """The text of every ``Tj`` in ``data``, read through each embedded font's ToUnicode map
    (fpdf2 writes glyph ids; one reading per font, as the test does not follow which font
    each line uses)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    maps = [
        {
            bytes.fromhex(code.decode()): chr(int(char, 16))
            for code, char in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", stream)
        }
        for stream in streams
        if b"beginbfchar" in stream
    ]
    shown = [
        re.sub(rb"\\(.)", rb"\1", text, flags=re.S)
        for stream in streams
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", stream, re.S)
    ]
    return [
        "".join(glyphs.get(text[i : i + 2], "?") for i in range(0, len(text), 2))
        for glyphs in maps
        for text in shown
    ]


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def invoice_email(messages: list[Message], number: str) -> Message:
    found = [message for message in messages if number in subject(message)]
    assert len(found) == 1, [subject(message) for message in messages]
    return found[0]


def pdf_part(message: Message) -> Message:
    parts = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    return parts[0]


def payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def body_of(message: Message) -> str:
    return payload(next(p for p in message.walk() if p.get_content_type() == "text/plain")).decode()


@time_machine.travel(NOW, tick=False)
def test_the_invoice_email_arrives_over_smtp_with_the_invoice_pdf(owner, commit, smtp_server):
    upgrade(owner, commit)
    message = invoice_email(smtp_server.messages, "2026-000001")
    part = pdf_part(message)
    assert part.get_filename() == "invoice-2026-000001.pdf"
    assert part.get_content_disposition() == "attachment"
    pdf = payload(part)
    assert pdf.startswith(b"%PDF")
    assert "Invoice 2026-000001" in pdf_texts(pdf)
    assert "attached" in body_of(message)
    delivery = Delivery.objects.get(template="billing/email/invoice")
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attachments == []  # emptied with the text once sent


@time_machine.travel(NOW, tick=False)
def test_a_russian_owner_gets_the_email_and_the_pdf_in_russian(owner, commit, smtp_server):
    owner.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    upgrade(owner, commit)
    message = invoice_email(smtp_server.messages, "2026-000001")
    assert subject(message) == "[Mosaic] Ваш счёт 2026-000001"
    assert "приложен к этому письму" in body_of(message)
    part = pdf_part(message)
    assert part.get_filename() == "invoice-2026-000001.pdf"
    assert "Счёт 2026-000001" in pdf_texts(payload(part))


@time_machine.travel(NOW, tick=False)
def test_a_busy_mail_server_gets_the_pdf_on_the_retry_and_the_queue_holds_no_blob(
    owner, commit, smtp_server, mail_retries
):
    smtp_server.refuse = 1
    upgrade(owner, commit)
    delivery = Delivery.objects.get(template="billing/email/invoice")
    assert delivery.status == Delivery.Status.QUEUED
    invoice = Invoice.objects.get()
    assert delivery.attachments == [
        {"kind": "billing.invoice_pdf", "id": invoice.pk, "language": "en"}
    ]
    assert mail_retries() >= 1
    part = pdf_part(invoice_email(smtp_server.messages, "2026-000001"))
    assert "Invoice 2026-000001" in pdf_texts(payload(part))


@time_machine.travel(NOW, tick=False)
def test_an_email_whose_invoice_is_gone_fails_for_good_rather_than_go_without_it(
    owner, commit, smtp_server, mailed
):
    upgrade(owner, commit)
    invoice = Invoice.objects.get()
    smtp_server.messages.clear()
    with mailed():
        emails.invoice_issued(invoice=invoice)
        Invoice.objects.filter(pk=invoice.pk).delete()
    failed = Delivery.objects.filter(template="billing/email/invoice").latest("pk")
    assert failed.status == Delivery.Status.FAILED
    assert failed.last_error == "AttachmentUnavailable"
    assert failed.attachments == []
    assert smtp_server.messages == []


def test_an_unknown_kind_of_attachment_is_refused_and_nothing_is_written(owner):
    with pytest.raises(ValueError, match="no attachment maker"):
        send(
            "billing/email/downgraded",
            to="olivia@example.com",
            context={"user": owner.user, "billing_url": "/"},
            attachments=[Attachment("billing.nothing", 1)],
        )
    assert not Delivery.objects.exists()
