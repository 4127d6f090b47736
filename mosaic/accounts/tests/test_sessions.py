from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/140.0 Mobile Safari/537.36"


def test_the_sessions_page_lists_every_signed_in_browser_in_words(owner):
    laptop = owner.sign_in(
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", REMOTE_ADDR="203.0.113.9"
    )
    owner.sign_in(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="2001:db8:1:2::77")

    page = laptop.get("/accounts/sessions/").content.decode()

    assert "Firefox on Linux" in page
    assert "Chrome on Android" in page
    assert "203.0.x.x network" in page
    assert "2001:db8:1:2::/64 network" in page
    assert "This browser" in page
    # Never the raw user-agent string, nor a full address.
    assert "Mozilla/5.0" not in page
    assert "203.0.113.9" not in page


def test_signing_out_other_sessions_keeps_only_this_one(owner, other_owner):
    laptop = owner.sign_in(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    phone = owner.sign_in(HTTP_USER_AGENT=PHONE)
    bystander = other_owner.sign_in(HTTP_USER_AGENT=PHONE)

    response = laptop.post("/accounts/sessions/", {})

    assert response.status_code == 302
    assert laptop.get("/panel/").status_code == 200
    assert phone.get("/panel/").status_code == 302
    assert bystander.get("/panel/").status_code == 200
    assert UserSession.objects.filter(user=owner.user).count() == 1
