from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from mosaic.integrations.instagram.models import InstagramConnection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, persona, live_server) -> None:
    cookie = persona.client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_p02_an_owner_connects_instagram_on_instagrams_page_without_giving_a_password(
    page, live_server, owner, stand_in, settings
):
    settings.SITE_URL = live_server.url
    sign_in(page, owner, live_server)
    page.goto("/panel/instagram/")
    page.get_by_role("link", name="Connect Instagram").click()

    page.wait_for_url(f"{stand_in.base_url}/oauth/authorize?**")
    assert page.locator("input[type=password]").count() == 0
    page.get_by_label("Instagram username").fill("olivia.makes")
    page.get_by_role("button", name="Allow").click()

    # The browser keeps Instagram's "#_" fragment through our redirect, as with the real thing.
    page.wait_for_url(f"{live_server.url}/panel/instagram/#_")
    assert page.locator(".instagram-status").inner_text() == "Connected to @olivia.makes."
    assert InstagramConnection.objects.get(user=owner.user).username == "olivia.makes"

    page.get_by_role("button", name="Disconnect Instagram").click()
    page.get_by_role("link", name="Connect Instagram").wait_for()
    assert not InstagramConnection.objects.exists()
