"""P17 in a browser: sign up with only an email, confirm from the emailed link."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from mosaic.consent.models import NewsletterSubscriber

pytestmark = pytest.mark.django_db(transaction=True)


def test_p17_a_visitor_subscribes_from_the_footer_and_confirms_by_email(page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Newsletter").click()
    page.get_by_label("Your email address").fill("nina@example.org")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    [message] = mail.outbox
    [link] = re.findall(r"/newsletter/confirm/\S+/", str(message.body))
    page.goto(link)
    page.get_by_role("button", name="Yes, send me the newsletter").click()

    page.get_by_role("heading", name="You are subscribed").wait_for()
    assert NewsletterSubscriber.objects.get().confirmed_at is not None
    assert page.evaluate("window.localStorage.length") == 0  # P13: no browser storage either
