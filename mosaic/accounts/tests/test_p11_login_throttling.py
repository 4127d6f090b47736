"""P11: wrong passwords are throttled, but never so that a stranger locks the owner out of a
device or network the account already knows (docs/operations.md, "Login throttling")."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
TOO_MANY = "Too many failed login attempts"


def guess(client: Client, login: str) -> str:
    return client.post("/accounts/login/", {"login": login, "password": "not-it"}).content.decode()


@pytest.mark.parametrize("login", ["olivia", "OLIVIA", "olivia@example.com"])
def test_p11_a_stranger_guessing_never_locks_the_owner_out_of_a_known_network(owner, login):
    owner.sign_in(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=FIREFOX)  # a known device
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert TOO_MANY not in guess(stranger, login)
    assert TOO_MANY in guess(stranger, login)  # the stranger is stopped
    # the owner, from the same home network (another address in its /16), gets in
    home = Client(REMOTE_ADDR="203.0.200.9", HTTP_USER_AGENT=FIREFOX)
    response = home.post("/accounts/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 302


def test_p11_guessing_from_a_known_network_is_throttled_too(owner):
    owner.sign_in(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=FIREFOX)
    nearby = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(5):
        assert TOO_MANY not in guess(nearby, "olivia")
    assert TOO_MANY in guess(nearby, "olivia")


def test_p11_an_account_never_signed_in_keeps_the_one_account_limit(owner):
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        guess(stranger, "olivia")
    other = Client(REMOTE_ADDR="192.0.2.1")
    response = other.post("/accounts/login/", {"login": "olivia", "password": PASSWORD})
    assert TOO_MANY in response.content.decode()  # no known network: one bucket for the account
