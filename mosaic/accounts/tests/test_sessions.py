from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/140.0 Mobile Safari/537.36"


def test_the_sessions_page_lists_every_signed_in_browser(owner):
    laptop = owner.sign_in(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    owner.sign_in(HTTP_USER_AGENT=PHONE)

    page = laptop.get("/accounts/sessions/")

    assert page.status_code == 200
    assert b"Firefox/140.0" in page.content
    assert b"Android 15" in page.content


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
