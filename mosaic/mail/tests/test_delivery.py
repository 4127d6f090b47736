"""The mail room under failure: a mail server that is down, refuses for good or for a while, and
a worker killed in the middle of a send. Every email is delivered once or given up visibly."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import threading
from collections.abc import Iterator

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from conftest import SmtpCatcher
from mosaic.mail.models import Delivery
from mosaic.mail.services import CLAIM, PROMOTIONAL, RETRY_DELAYS, hand_due, send
from mosaic.privacy.services import request_account_deletion
from tests.processes import MANAGE, child_env, database_url, free_port, start, wait_for

pytestmark = pytest.mark.django_db


class SmtpServer:
    """A real SMTP server on a fixed loopback port that a test can stop and start again."""

    def __init__(self, handler: SmtpCatcher) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server(settings) -> Iterator[SmtpServer]:
    running = SmtpServer(SmtpCatcher())
    running.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", running.port
    settings.EMAIL_USE_TLS = False
    yield running
    running.stop()


def our_log(caplog) -> str:
    """What Mosaic logged (the SMTP server's own log, which names addresses, left out)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("mosaic"))


def write_receipt(owner, mailed) -> Delivery:
    with mailed():
        request_account_deletion(user=owner.user)
    return Delivery.objects.get(template="privacy/email/deletion_receipt")


def attempt_when_due(delivery: Delivery, mailed) -> Delivery:
    """Move to the delivery's next attempt and run ``mail.send_due`` there."""
    delivery.refresh_from_db()
    with time_machine.travel(delivery.next_attempt_at, tick=False), mailed():
        hand_due()
    delivery.refresh_from_db()
    return delivery


def test_p08_a_receipt_written_while_the_mail_server_is_down_goes_out_once_it_is_back(
    owner, server, mailed, mail_retries
):
    server.stop()
    delivery = write_receipt(owner, mailed)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
    assert delivery.last_error == "ConnectionRefusedError"
    for attempt in (2, 3, 4):  # down for the first four attempts, over about 36 minutes
        delivery = attempt_when_due(delivery, mailed)
        assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, attempt)
    assert delivery.next_attempt_at - delivery.created_at > dt.timedelta(hours=2)  # backing off

    server.start()
    mail_retries()

    [message] = server.handler.messages
    assert message["To"] == "olivia@example.com"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 5)
    assert mail_retries() == 0


def test_p29_a_server_that_keeps_refusing_is_given_up_after_every_retry_and_logged(
    owner, server, mailed, caplog
):
    server.handler.refuse = 100
    delivery = write_receipt(owner, mailed)
    with caplog.at_level(logging.INFO, logger="mosaic.mail"):
        while delivery.status == Delivery.Status.QUEUED:
            delivery = attempt_when_due(delivery, mailed)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == len(RETRY_DELAYS) + 1
    assert delivery.last_error == "SMTPDataError 451"
    assert delivery.text == ""
    assert delivery.sent_at is None
    assert server.handler.messages == []
    ours = our_log(caplog)
    assert "given up after 8 attempts" in ours
    assert "olivia" not in ours  # no address in the logs


class Rejecting(SmtpCatcher):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"


def test_p29_a_refused_address_is_given_up_at_once_without_its_address_in_the_log(
    owner, server, mailed, caplog
):
    server.handler = Rejecting()
    server.stop()
    server.start()
    with caplog.at_level(logging.INFO, logger="mosaic.mail"):
        delivery = write_receipt(owner, mailed)

    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert delivery.last_error == "SMTPRecipientsRefused 550"
    assert "given up after 1 attempts" in our_log(caplog)
    assert "olivia" not in our_log(caplog)
    assert hand_due() == 0


def test_p29_promotional_mail_must_carry_one_click_unsubscribe(owner):
    with pytest.raises(ValueError, match="unsubscribe"):
        send("consent/email/newsletter", to="nina@example.org", kind=PROMOTIONAL)


def test_an_html_version_is_sent_beside_the_text_when_the_template_has_one(
    owner, server, mailed, settings, tmp_path
):
    folder = tmp_path / "templates" / "demo"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Hello\nthere")
    (folder / "hello_message.txt").write_text("Hello {{ name }}")
    (folder / "hello_message.html").write_text("<p>Hello {{ name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}
    ]
    with mailed():
        send("demo/hello", to="olivia@example.com", context={"name": "<Olivia>"})

    [message] = server.handler.messages
    assert message["Subject"] == "[Mosaic] Hello there"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_payload()
    assert text.get_payload(decode=True).decode() == "Hello &lt;Olivia&gt;"
    assert html.get_content_type() == "text/html"
    assert html.get_payload(decode=True).decode() == "<p>Hello &lt;Olivia&gt;</p>"


class Stalling(SmtpCatcher):
    """Holds the first session at RCPT until released: a send in progress."""

    def __init__(self) -> None:
        super().__init__()
        self.reached = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.reached.is_set():
            self.reached.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_p08_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once_after_its_claim(
    owner, server, settings, tmp_path
):
    server.handler = Stalling()
    server.stop()
    server.start()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    request_account_deletion(user=owner.user)  # commits: the task is in the database queue
    env = child_env(
        DATABASE_URL=database_url(connection.settings_dict),
        EMAIL_MODE="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(server.port),
        EMAIL_USE_TLS="false",
    )
    log = tmp_path / "worker.log"
    worker = start([*MANAGE, "run_worker"], env=env, log=log)
    try:
        wait_for(server.handler.reached.is_set, what="the worker to start sending", log=log)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        server.handler.release.set()
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENDING, 1)
    assert server.handler.messages == []
    assert hand_due() == 0, "its claim still stands: nobody else may send it yet"

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with time_machine.travel(timezone.now() + CLAIM + dt.timedelta(seconds=1), tick=False):
        assert hand_due() == 1

    [message] = server.handler.messages
    assert message["To"] == "olivia@example.com"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)


def test_p29_an_unsubscribe_cancels_promotional_mail_not_sent_yet_and_forgets_the_address(
    server, mailed, mail_retries
):
    from mosaic.consent.mailing import address_hash, unsubscribe_token
    from mosaic.consent.models import NewsletterSubscriber
    from mosaic.consent.services import start_newsletter, unsubscribe

    NewsletterSubscriber.objects.create(
        email="nina@example.org",
        email_hash=address_hash("nina@example.org"),
        confirmed_at=timezone.now(),
    )
    server.handler.refuse = 1
    with mailed():
        start_newsletter(subject="Spring news", body="New themes.")
    assert Delivery.objects.get(to="nina@example.org").status == Delivery.Status.QUEUED

    unsubscribe(
        token=unsubscribe_token(purpose="newsletter", email_hash=address_hash("nina@example.org"))
    )

    assert not Delivery.objects.filter(to="nina@example.org").exists()
    assert mail_retries() == 0
    assert server.handler.messages == []
