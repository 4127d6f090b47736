"""P29: promotional mail goes through the task queue to a real SMTP server, with RFC 8058
one-click headers, only to those who asked, retried when the server is busy."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from mosaic.consent.mailing import address_hash
from mosaic.consent.models import NewsletterIssue, NewsletterSubscriber, Suppression
from mosaic.consent.services import give_consent, start_newsletter

pytestmark = pytest.mark.django_db


def unfolded(header: str) -> str:
    """A long header may be folded onto several lines; the value has no spaces of its own."""
    return "".join(header.split())


def subscribe(email: str, *, confirmed: bool = True) -> NewsletterSubscriber:
    return NewsletterSubscriber.objects.create(
        email=email,
        email_hash=address_hash(email),
        confirmed_at="2026-01-01T00:00Z" if confirmed else None,
    )


def test_p29_newsletter_and_promotional_mail_carry_one_click_unsubscribe_over_smtp(
    smtp_server, owner, other_owner, django_capture_on_commit_callbacks, settings
):
    subscribe("nina@example.org")
    subscribe("pending@example.org", confirmed=False)
    subscribe("gone@example.org")
    Suppression.objects.create(email_hash=address_hash("gone@example.org"))
    give_consent(purpose="promotional_email", via="email_preferences", user=owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        start_newsletter(subject="Spring news", body="New themes are here.")

    received = {message["To"]: message for message in smtp_server.messages}
    assert sorted(received) == ["nina@example.org", "olivia@example.com"]  # not Oscar: no opt-in
    for message in received.values():
        assert message["Subject"] == "[Mosaic] Spring news"
        assert message["Precedence"] == "bulk"
        assert "Auto-Submitted" not in message  # written by a person, not an automatic message
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = unfolded(message["List-Unsubscribe"]).strip("<>")
        assert url.startswith(f"{settings.SITE_URL}/email/unsubscribe/")
        assert url in message.get_payload(decode=True).decode()  # and visibly in the body
    assert NewsletterIssue.objects.get().finished_at is not None

    # The mail client's one-click POST, raw, with no session: it works.
    header = unfolded(received["nina@example.org"]["List-Unsubscribe"])
    path = header.strip("<>").removeprefix(settings.SITE_URL)
    Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert not NewsletterSubscriber.objects.filter(email="nina@example.org").exists()


def test_p29_a_busy_server_is_retried_and_a_rerun_never_mails_twice(
    smtp_server, django_capture_on_commit_callbacks, mail_retries
):
    subscribe("nina@example.org")
    subscribe("nora@example.org")
    smtp_server.refuse = 2  # the first two attempts get "451 Try again later"

    with django_capture_on_commit_callbacks(execute=True):
        start_newsletter(subject="News", body="Hello.")
    with django_capture_on_commit_callbacks(execute=True):
        _issue, created = start_newsletter(subject="News", body="Hello.")  # run again
    assert smtp_server.messages == []
    mail_retries()

    assert created is False
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "nina@example.org",
        "nora@example.org",
    ]


def test_p27_a_notice_reaches_every_user_over_smtp_once_even_when_rerun(
    smtp_server, owner, other_owner, tmp_path, django_capture_on_commit_callbacks, mail_retries
):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    owner.user.groups.add(Group.objects.get(name="legal"))
    TOTP.activate(owner.user, generate_totp_secret())  # operators have a second factor (P25)
    body = tmp_path / "notice.txt"
    body.write_text("Mosaic is now run by Example Ltd. Nothing else changes.", encoding="utf-8")
    args = ["--subject", "Mosaic has a new owner", "--body-file", str(body), "--operator", "olivia"]
    smtp_server.refuse = 1

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notice", *args, stdout=io.StringIO())
    mail_retries()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notice", *args, stdout=out)

    assert sorted(message["To"] for message in smtp_server.messages) == [
        "olivia@example.com",
        "oscar@example.com",
    ]
    assert "List-Unsubscribe" not in smtp_server.messages[0]  # a service message (P29)
    assert smtp_server.messages[0]["Auto-Submitted"] == "auto-generated"
    assert smtp_server.messages[0]["Subject"] == "[Mosaic] Mosaic has a new owner"
    assert "Resumed notice" in out.getvalue()
    assert "2 sent, 0 to go" in out.getvalue()
