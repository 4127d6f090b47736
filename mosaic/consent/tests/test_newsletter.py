"""P17: a newsletter needs only an email address, confirmed by double opt-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from mosaic.consent.mailing import address_hash
from mosaic.consent.models import Consent, NewsletterSubscriber, Suppression

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def sign_up(visitor, mailoutbox, django_capture_on_commit_callbacks):
    def sign_up(email: str) -> str | None:
        """Submit the form; return the confirmation link if one was mailed."""
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = visitor.post("/newsletter/", {"email": email})
        assert response.status_code == 200
        assert "Check your inbox" in response.content.decode()
        if len(mailoutbox) == before:
            return None
        [link] = re.findall(r"https?://\S+/newsletter/confirm/\S+/", mailoutbox[-1].body)
        return link.split("testserver", 1)[-1].split("8000", 1)[-1]

    return sign_up


@time_machine.travel(NOW, tick=False)
def test_p17_sign_up_needs_only_an_email_and_sends_nothing_but_the_confirmation(
    sign_up, mailoutbox
):
    link = sign_up("nina@example.org")

    assert link is not None
    assert mailoutbox[0].to == ["nina@example.org"]
    assert "Confirm your newsletter subscription" in mailoutbox[0].subject
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers  # a service message
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.confirmed_at is None
    assert not Consent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_p17_double_opt_in_opening_the_link_asks_and_only_the_button_confirms(sign_up, visitor):
    link = sign_up("nina@example.org")

    page = visitor.get(link)
    assert page.status_code == 200
    assert NewsletterSubscriber.objects.get().confirmed_at is None  # a mail scanner's GET

    done = visitor.post(link)

    assert "You are subscribed" in done.content.decode()
    assert NewsletterSubscriber.objects.get().confirmed_at == NOW
    consent = Consent.objects.get()
    assert consent.purpose == "newsletter"
    assert consent.user is None
    assert consent.subject_hash == address_hash("nina@example.org")
    assert visitor.post(link).status_code == 200  # confirming twice is harmless


def test_p17_a_confirmation_link_expires_and_a_forged_one_is_refused(sign_up, visitor, settings):
    with time_machine.travel(NOW, tick=False):
        link = sign_up("nina@example.org")
    with time_machine.travel(NOW + dt.timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS + 1)):
        expired = visitor.post(link)

    forged = visitor.post(link[:-6] + "AAAAA/")

    assert expired.status_code == 400
    assert "This link does not work" in expired.content.decode()
    assert forged.status_code == 400
    assert NewsletterSubscriber.objects.get().confirmed_at is None


def test_p17_the_form_says_the_same_for_any_address_and_cannot_flood_an_inbox(sign_up, visitor):
    with time_machine.travel(NOW, tick=False):
        link = sign_up("nina@example.org")
        assert sign_up("Nina@Example.org") is None  # same address, within ten minutes
        visitor.post(link)
        assert sign_up("nina@example.org") is None  # already subscribed: nothing sent, nothing said
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert sign_up("olga@example.org") is not None


def test_bad_addresses_are_refused_with_a_clear_message(visitor):
    for bad in ("", "not-an-address", "a@b", "x" * 250 + "@example.org"):
        response = visitor.post("/newsletter/", {"email": bad})
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    assert not NewsletterSubscriber.objects.exists()


def test_p11_the_sign_up_form_is_rate_limited_per_address(mailoutbox):
    client = Client(REMOTE_ADDR="198.51.100.7")
    answers = [
        client.post("/newsletter/", {"email": f"n{i}@example.org"}).content.decode()
        for i in range(12)
    ]

    assert "Too many attempts" in answers[-1]
    assert NewsletterSubscriber.objects.count() == 10


def test_p17_unconfirmed_addresses_are_swept(sign_up):
    from django.core.management import call_command

    with time_machine.travel(NOW, tick=False):
        sign_up("nina@example.org")
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        call_command("privacy_sweep", verbosity=0)

    assert not NewsletterSubscriber.objects.exists()
    assert not Suppression.objects.exists()
