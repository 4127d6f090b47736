"""Production sends through SMTP: prove it against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

pytestmark = pytest.mark.django_db


class Catcher(Sink):
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield catcher
    controller.stop()


def test_password_reset_email_goes_out_over_smtp(visitor, owner, smtp_server):
    response = visitor.post("/accounts/password/reset/", {"email": "olivia@example.com"})

    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == "olivia@example.com"
    assert "/accounts/password/reset/key/" in message.get_payload(decode=True).decode()


def test_a_reset_for_an_unknown_address_reveals_nothing(visitor, smtp_server):
    response = visitor.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302  # same answer as for a real account
    assert all("/password/reset/key/" not in str(m) for m in smtp_server.messages)
