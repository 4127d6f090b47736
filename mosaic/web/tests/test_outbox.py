from __future__ import annotations

import pytest
from django.core.mail import EmailMessage, send_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "mosaic.lib.outbox.OutboxEmailBackend"
    return settings.EMAIL_FILE_PATH


def test_sent_email_is_written_one_file_per_message_and_shown_in_the_outbox(
    visitor, outbox_backend
):
    send_mail("Hello there", "Open https://example.com/verify/abc/ now", None, ["a@example.com"])
    send_mail("Second <b>one</b>", "Body", None, ["b@example.com"])

    assert len(list(outbox_backend.glob("*.eml"))) == 2
    listing = visitor.get("/dev/outbox/")
    assert "Second &lt;b&gt;one&lt;/b&gt;" in listing.text  # subjects are escaped
    message_id = sorted(outbox_backend.glob("*.eml"))[0].stem
    detail = visitor.get(f"/dev/outbox/{message_id}/")
    assert '<a href="https://example.com/verify/abc/"' in detail.text


def test_the_outbox_lists_an_emails_attachments(visitor, outbox_backend):
    email = EmailMessage("Your invoice", "Attached.", None, ["a@example.com"])
    email.attach("invoice-2026-000001.pdf", b"%PDF-1.7 " + b"x" * 2000, "application/pdf")
    email.send()

    message_id = next(outbox_backend.glob("*.eml")).stem
    detail = visitor.get(f"/dev/outbox/{message_id}/")
    assert "invoice-2026-000001.pdf (application/pdf, 2.0\xa0KB)" in detail.text


@pytest.mark.parametrize(
    "message_id", ["..%2F..%2Fsettings", "nothing-here", "20261121T1.1-zzzzzzzz"]
)
def test_the_outbox_refuses_paths_outside_it(visitor, outbox_backend, message_id):
    assert visitor.get(f"/dev/outbox/{message_id}/").status_code == 404
