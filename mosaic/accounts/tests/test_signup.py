from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from mosaic.accounts.models import User
from mosaic.accounts.tests.helpers import links_in_last_email, signup_data

pytestmark = pytest.mark.django_db


def test_signing_up_sends_a_verification_link_and_does_not_sign_in_yet(visitor):
    response = visitor.post("/accounts/signup/", signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(username="nadia")
    assert not EmailAddress.objects.get(user=user).verified
    assert user.password.startswith("argon2")
    assert visitor.get("/panel/").status_code == 302  # not signed in before verification


def test_following_the_verification_link_verifies_and_signs_in(visitor, mailed):
    with mailed():
        visitor.post("/accounts/signup/", signup_data())
    link = next(url for url in links_in_last_email("nadia@example.com") if "confirm-email" in url)

    response = visitor.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nadia@example.com").verified
    assert visitor.get("/panel/").status_code == 200


def test_a_verification_link_expires_after_three_days(visitor, mailed):
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC), tick=False), mailed():
        visitor.post("/accounts/signup/", signup_data())
    link = next(url for url in links_in_last_email("nadia@example.com") if "confirm-email" in url)

    with time_machine.travel(dt.datetime(2026, 11, 4, 13, tzinfo=dt.UTC), tick=False):
        page = visitor.get(link)
        visitor.post(link)

    assert b"This link has expired" in page.content
    assert not EmailAddress.objects.get(email="nadia@example.com").verified


def test_a_used_verification_link_does_not_sign_anyone_in_again(visitor, client, mailed):
    with mailed():
        visitor.post("/accounts/signup/", signup_data())
    link = next(url for url in links_in_last_email("nadia@example.com") if "confirm-email" in url)
    visitor.post(link)

    client.post(link)

    assert client.get("/panel/").status_code == 302


def test_a_taken_username_is_refused_with_a_clear_message(visitor, owner):
    response = visitor.post("/accounts/signup/", signup_data(username="olivia"))

    assert response.status_code == 200
    assert b"A user with that username already exists." in response.content
    assert not User.objects.filter(email="nadia@example.com").exists()


def test_a_taken_email_creates_nothing_and_tells_the_address_owner(visitor, owner, mailed):
    """Enumeration prevention: the visitor sees the usual next step; the owner gets told."""
    mail.outbox.clear()
    with mailed():
        response = visitor.post("/accounts/signup/", signup_data(email="olivia@example.com"))

    assert response.status_code == 302
    assert User.objects.filter(email="olivia@example.com").count() == 1
    assert not User.objects.filter(username="nadia").exists()
    assert len(mail.outbox) == 1
    assert "already" in mail.outbox[0].subject.lower() + mail.outbox[0].body.lower()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, b"Enter a valid email address."),
        ({"password1": "short", "password2": "short"}, b"This password is too short."),
        ({"password1": "password123", "password2": "password123"}, b"too common"),
        ({"password2": "something else entirely"}, b"You must type the same password each time."),
        ({"username": "admin"}, b"Username can not be used. Please use other username."),
        ({"username": "a b"}, b"Enter a valid username."),
    ],
)
def test_bad_sign_up_input_is_explained_and_creates_nothing(visitor, overrides, message):
    response = visitor.post("/accounts/signup/", signup_data(**overrides))

    assert response.status_code == 200
    assert message in response.content
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0


def test_a_form_without_its_csrf_token_is_refused_with_an_explanation(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/signup/", signup_data())

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert User.objects.count() == 0


def test_an_oversized_request_body_is_refused_with_an_explanation(visitor):
    response = visitor.post("/accounts/signup/", signup_data(username="x" * 3_000_000))

    assert response.status_code == 400
    assert b"too large" in response.content
    assert User.objects.count() == 0


def test_signing_in_works_with_either_username_or_email(visitor, owner):
    by_username = visitor.post("/accounts/login/", {"login": "olivia", "password": owner.password})
    assert by_username.status_code == 302
    visitor.post("/accounts/logout/")

    by_email = visitor.post(
        "/accounts/login/", {"login": "OLIVIA@example.com", "password": owner.password}
    )
    assert by_email.status_code == 302
    assert visitor.get("/panel/").status_code == 200


def test_account_emails_greet_with_the_services_name_not_the_host(visitor, mailed, settings):
    settings.SITE_NAME = "Mosaic"
    with mailed():
        visitor.post("/accounts/signup/", signup_data(), HTTP_HOST="127.0.0.1:8000")
        visitor.post(
            "/accounts/password/reset/", {"email": "nadia@example.com"}, HTTP_HOST="127.0.0.1:8000"
        )
    bodies = [str(message.body) for message in mail.outbox if "nadia@example.com" in message.to]
    assert len(bodies) == 2
    for body in bodies:
        assert body.splitlines()[0] == "Hello from Mosaic,"
        assert "The Mosaic team" in body
        # The host appears only inside links, never as the service's name.
        assert "127.0.0.1" not in re.sub(r"https?://\S+", "", body)
