from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

pytestmark = pytest.mark.django_db


def test_p19_changing_the_password_emails_the_user(visitor, owner, mailed):
    owner.sign_in(visitor)
    mail.outbox.clear()

    with mailed():
        response = visitor.post(
            "/accounts/password/change/",
            {
                "oldpassword": owner.password,
                "password1": "an entirely new passphrase",
                "password2": "an entirely new passphrase",
            },
        )

    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["olivia@example.com"]
    assert "password" in notice.subject.lower()


def test_p19_changing_the_email_needs_reverification_and_notifies_the_old_address(
    visitor, owner, mailed
):
    owner.sign_in(visitor)
    visitor.post("/accounts/reauthenticate/", {"password": owner.password})
    mail.outbox.clear()

    with mailed():
        visitor.post("/accounts/email/", {"action_add": "", "email": "olivia.new@example.com"})

    [verification] = mail.outbox
    assert verification.to == ["olivia.new@example.com"]
    owner.user.refresh_from_db()
    assert owner.user.email == "olivia@example.com"  # unchanged until verified
    link = next(word for word in verification.body.split() if "confirm-email" in word)
    mail.outbox.clear()

    with mailed():
        visitor.post(link)

    owner.user.refresh_from_db()
    assert owner.user.email == "olivia.new@example.com"
    assert EmailAddress.objects.get(user=owner.user).email == "olivia.new@example.com"
    notices = [m for m in mail.outbox if m.to == ["olivia@example.com"]]
    assert notices, "the old address must hear about the change"


def test_p32_changing_the_email_asks_for_the_password_first(visitor, owner):
    owner.sign_in(visitor)
    response = visitor.post(
        "/accounts/email/", {"action_add": "", "email": "olivia.new@example.com"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="olivia.new@example.com").exists()
