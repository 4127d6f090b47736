from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from mosaic.accounts.tests.helpers import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _start_of_a_totp_period():
    """Codes change every 30 s; start each test at the start of a period so none straddles two."""
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, 0, 0, tzinfo=dt.UTC), tick=True):
        yield


def enrol_totp(persona) -> tuple[Client, str]:
    client = Client()
    client.post("/accounts/login/", {"login": persona.user.username, "password": persona.password})
    client.post("/accounts/reauthenticate/", {"password": persona.password})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content
    client.post("/accounts/logout/")
    return client, secret


def start_sign_in(client: Client, persona) -> None:
    response = client.post(
        "/accounts/login/", {"login": persona.user.username, "password": persona.password}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_enrolment_creates_an_authenticator_and_recovery_codes(owner):
    enrol_totp(owner)

    kinds = set(Authenticator.objects.filter(user=owner.user).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_a_wrong_code_is_refused_with_a_message_and_keeps_you_signed_out(owner):
    client, _ = enrol_totp(owner)
    start_sign_in(client, owner)

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    assert client.get("/panel/").status_code == 302


def test_a_correct_code_signs_in(owner):
    client, secret = enrol_totp(owner)
    start_sign_in(client, owner)

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get("/panel/").status_code == 200


def test_a_code_cannot_be_replayed(owner):
    client, secret = enrol_totp(owner)
    code = totp_code(secret)
    start_sign_in(client, owner)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    client.post("/accounts/logout/")

    thief = Client()
    start_sign_in(thief, owner)
    response = thief.post("/accounts/2fa/authenticate/", {"code": code})

    assert b"Incorrect code." in response.content
    assert thief.get("/panel/").status_code == 302


def test_a_recovery_code_works_once(owner):
    client, _ = enrol_totp(owner)
    recovery = Authenticator.objects.get(user=owner.user, type=Authenticator.Type.RECOVERY_CODES)
    code = recovery.wrap().get_unused_codes()[0]

    start_sign_in(client, owner)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    start_sign_in(client, owner)
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert b"Incorrect code." in again.content
