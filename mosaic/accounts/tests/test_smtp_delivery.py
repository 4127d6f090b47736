"""Production sends through SMTP: prove it against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_password_reset_email_goes_out_over_smtp(visitor, owner, smtp_server, mailed):
    with mailed():
        response = visitor.post("/accounts/password/reset/", {"email": "olivia@example.com"})

    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == "olivia@example.com"
    assert "/accounts/password/reset/key/" in message.get_payload(decode=True).decode()


def test_a_reset_for_an_unknown_address_reveals_nothing(visitor, smtp_server, mailed):
    with mailed():
        response = visitor.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302  # same answer as for a real account
    assert all("/password/reset/key/" not in str(m) for m in smtp_server.messages)
