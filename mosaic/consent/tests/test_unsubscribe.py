"""P29: one click unsubscribes, from a raw HTTP POST, without a session or a CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from mosaic.consent.mailing import address_hash, unsubscribe_token
from mosaic.consent.models import Consent, NewsletterSubscriber, Suppression
from mosaic.consent.services import give_consent
from mosaic.consent.services import unsubscribe as unsubscribe_service

pytestmark = pytest.mark.django_db


def one_click(client: Client, token: str):
    """What a mail client sends for RFC 8058 one-click unsubscribe."""
    return client.post(
        f"/email/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


@pytest.fixture
def subscriber() -> NewsletterSubscriber:
    email_hash = address_hash("nina@example.org")
    give_consent(purpose="newsletter", via="newsletter_form", subject_hash=email_hash)
    return NewsletterSubscriber.objects.create(
        email="nina@example.org", email_hash=email_hash, confirmed_at="2026-01-01T00:00Z"
    )


def test_p29_a_raw_one_click_post_without_session_or_csrf_ends_the_newsletter(subscriber):
    mail_client = Client(enforce_csrf_checks=True)  # what a mail provider's POST looks like
    token = unsubscribe_token(purpose="newsletter", email_hash=subscriber.email_hash)

    response = one_click(mail_client, token)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not NewsletterSubscriber.objects.exists()  # the address itself is gone
    assert Suppression.objects.filter(email_hash=subscriber.email_hash).exists()
    consent = Consent.objects.get()
    assert consent.withdrawn_via == "unsubscribe_link"
    assert "nina" not in repr(list(Consent.objects.values()))  # only a keyed hash remains
    assert "sessionid" not in response.cookies
    assert one_click(mail_client, token).status_code == 200


def test_p29_one_click_stops_a_users_promotional_email(owner):
    owner.client.post("/panel/email/", {"promotional": "on"})
    token = unsubscribe_token(purpose="promotional_email", user_id=owner.user.pk)

    one_click(Client(enforce_csrf_checks=True), token)

    assert not Consent.objects.active().exists()
    assert Consent.objects.get().withdrawn_via == "unsubscribe_link"


def test_p29_opening_the_link_only_asks_to_confirm(subscriber, visitor):
    token = unsubscribe_token(purpose="newsletter", email_hash=subscriber.email_hash)

    page = visitor.get(f"/email/unsubscribe/{token}/")

    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    assert NewsletterSubscriber.objects.exists()


def test_a_forged_or_damaged_unsubscribe_link_is_refused(subscriber, visitor):
    token = unsubscribe_token(purpose="newsletter", email_hash=subscriber.email_hash)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for bad in (forged, "nonsense", "a:b:c"):
        assert one_click(visitor, bad).status_code == 400
        assert visitor.get(f"/email/unsubscribe/{bad}/").status_code == 400
    assert NewsletterSubscriber.objects.exists()


def test_re_joining_after_unsubscribing_lifts_the_suppression(
    subscriber, visitor, mailoutbox, django_capture_on_commit_callbacks
):
    unsubscribe_service(
        token=unsubscribe_token(purpose="newsletter", email_hash=subscriber.email_hash)
    )
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("/newsletter/", {"email": "nina@example.org"})
    link = mailoutbox[-1].body.split("/newsletter/confirm/", 1)[1].split("/", 1)[0]

    visitor.post(f"/newsletter/confirm/{link}/")

    assert not Suppression.objects.exists()
    assert Consent.objects.active().count() == 1
