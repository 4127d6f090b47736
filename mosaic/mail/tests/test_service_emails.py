"""Every kind of service email reaches a real SMTP server (aiosmtpd) exactly once, even when the
server refuses the first attempts: the delivery record retries it with back-off (P29)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import Persona, make_user
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.integrations.instagram.services import mark_broken
from mosaic.mail.models import Delivery
from mosaic.policy.notices import create_notice
from mosaic.privacy.corrections import file_correction_request, resolve_correction_request
from mosaic.privacy.periodic import remind_of_corrections
from mosaic.privacy.services import request_account_deletion
from mosaic.staff.roles import SUPPORT
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def new_device(owner: Persona, mailed) -> tuple[str, str]:
    owner.sign_in(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=FIREFOX)
    owner.sign_in(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=FIREFOX)
    return "olivia@example.com", "New sign-in to your account"


def password_changed(owner: Persona, mailed) -> tuple[str, str]:
    client = owner.sign_in()
    Delivery.objects.all().delete()  # not the new-device alert of that sign-in
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": owner.password,
            "password1": "an entirely new passphrase",
            "password2": "an entirely new passphrase",
        },
    )
    return "olivia@example.com", "Password Changed"


def email_confirmation(owner: Persona, mailed) -> tuple[str, str]:
    Client().post(
        "/accounts/signup/",
        {
            "email": "nadia@example.com",
            "username": "nadia",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    return "nadia@example.com", "Please Confirm Your Email Address"


def password_reset(owner: Persona, mailed) -> tuple[str, str]:
    Client().post("/accounts/password/reset/", {"email": "olivia@example.com"})
    return "olivia@example.com", "Password Reset"


def deletion_receipt(owner: Persona, mailed) -> tuple[str, str]:
    request_account_deletion(user=owner.user)
    return "olivia@example.com", ""


def _support() -> Persona:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = make_user("sam")
    user.groups.add(Group.objects.get(name=SUPPORT))
    TOTP.activate(user, generate_totp_secret())  # operators have a second factor (P25)
    return Persona(user=user, password="", client=Client())


def correction_answer(owner: Persona, mailed) -> tuple[str, str]:
    item = file_correction_request(user=owner.user, what="My name", correction="Olivia B.")
    resolve_correction_request(
        operator=_support().user,
        correction_request=item,
        status="corrected",
        resolution="Done.",
    )
    return "olivia@example.com", ""


def correction_reminder(owner: Persona, mailed) -> tuple[str, str]:
    support = _support()
    file_correction_request(user=owner.user, what="My name", correction="Olivia B.")
    with time_machine.travel(timezone.now() + dt.timedelta(days=25)), mailed():
        remind_of_corrections.call()
    return support.user.email, ""


def inactivity_warning(owner: Persona, mailed) -> tuple[str, str]:
    Site.objects.create(owner=owner.user, slug="olivia", title="Olivia")
    with time_machine.travel(timezone.now() + dt.timedelta(days=160)), mailed():
        call_command("privacy_sweep", stdout=io.StringIO())
    return "olivia@example.com", "/olivia/ will be deleted"


def instagram_broken(owner: Persona, mailed) -> tuple[str, str]:
    connection = InstagramConnection.objects.create(
        user=owner.user,
        instagram_user_id="1784",
        username="olivia.makes",
        access_token="",
        token_issued_at=timezone.now(),
        token_expires_at=timezone.now() + dt.timedelta(days=60),
    )
    mark_broken(connection=connection)
    return "olivia@example.com", "Reconnect your Instagram account"


def newsletter_confirmation(owner: Persona, mailed) -> tuple[str, str]:
    Client().post("/newsletter/", {"email": "nina@example.org"})
    return "nina@example.org", "Confirm your newsletter subscription"


def notice(owner: Persona, mailed) -> tuple[str, str]:
    create_notice(subject="Mosaic has a new owner", body="Nothing else changes.")
    return "olivia@example.com", "Mosaic has a new owner"


#: Each writes one kind of email (inside ``mailed()`` where it moves time) and says to whom and
#: what its subject holds.
KINDS: dict[str, Callable[..., tuple[str, str]]] = {
    "P19-new-device": new_device,
    "P19-password-changed": password_changed,
    "P29-email-confirmation": email_confirmation,
    "P29-password-reset": password_reset,
    "P08-deletion-receipt": deletion_receipt,
    "P33-correction-answer": correction_answer,
    "P33-correction-reminder": correction_reminder,
    "P06-inactivity-warning": inactivity_warning,
    "instagram-connection-broken": instagram_broken,
    "P17-newsletter-confirmation": newsletter_confirmation,
    "P27-notice": notice,
}


@pytest.mark.parametrize("kind", KINDS)
def test_p29_each_service_email_is_delivered_once_when_the_server_refuses_at_first(
    kind, owner, smtp_server, mailed, mail_retries
):
    smtp_server.refuse = 2  # "451 Try again later", twice
    with mailed():
        to, subject = KINDS[kind](owner, mailed)

    assert smtp_server.messages == []  # the first attempt was refused
    [delivery] = Delivery.objects.filter(to=to)
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1

    assert mail_retries() == 2

    [message] = smtp_server.messages
    assert message["To"] == to
    assert message["Subject"].startswith("[Mosaic] ")
    assert subject in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == delivery.message_id  # the same message, retried
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert delivery.text == ""  # the text (reset links and all) is not kept once sent
    assert mail_retries() == 0  # nothing left: once only
    assert len(smtp_server.messages) == 1
