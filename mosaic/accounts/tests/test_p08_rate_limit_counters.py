"""P08: erasing an account removes the rate-limit counters that name it at once, not when
they expire: wrong-password counts by login name and email, reset and confirmation emails,
and the per-account counters of re-authentication. Counters per network address name no
account; they expire within minutes and the hourly cull removes them (P03)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client

from mosaic.privacy.services import erase_account

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PER_ADDRESS = re.compile(r":ip:[0-9a-f.:]+(:lock)?$")


def cache_keys() -> set[str]:
    """Every key the default cache holds (the database cache's table, or Redis's keys)."""
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        with connection.cursor() as cursor:
            table = cache._table  # type: ignore[attr-defined]
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608 (a setting)
            return {key for (key,) in cursor.fetchall()}
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    return {key.decode() for key in client.scan_iter(count=1000)}


@pytest.fixture
def readable_keys(monkeypatch):
    """Keys stored as asked (not as HMACs, P03), so the test can tell whose counter is whose."""
    monkeypatch.setattr(
        caches["default"], "key_func", lambda key, prefix, version: f"{prefix}:{version}:{key}"
    )


def test_p08_erasure_removes_the_rate_limit_counters_that_name_the_account(owner, readable_keys):
    before = cache_keys()
    owner.sign_in(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=FIREFOX)  # a known network
    for address in ("198.51.100.7", "203.0.113.66"):  # a stranger, and the known network
        guesser = Client(REMOTE_ADDR=address)
        for login in ("olivia", "OLIVIA", "olivia@example.com"):
            guesser.post("/accounts/login/", {"login": login, "password": "not-it"})
    Client().post("/accounts/password/reset/", {"email": "olivia@example.com"})
    signed_in = owner.sign_in()
    signed_in.post("/accounts/reauthenticate/", {"password": "not-it"})
    counters = cache_keys() - before
    naming = {key for key in counters if ":rl:" in key and not PER_ADDRESS.search(key)}
    assert len(naming) >= 4, f"guesses, reset and re-authentication are counted: {counters}"
    assert any(f":user:{owner.user.pk}" in key for key in naming)

    erase_account(user=owner.user)

    left = cache_keys() & counters
    assert [key for key in left if not PER_ADDRESS.search(key)] == []


def test_p08_every_action_counted_per_key_has_its_key_shapes_declared():
    """Erasure deletes only the keys ``KEY_SHAPES`` says an action uses; an action allauth
    counts per key that it does not name (a new allauth release) would fall back to every
    shape, and should be looked at and declared."""
    from mosaic.accounts.ratelimits import KEY_SHAPES, account_rates

    per_key = {action for action, rate in account_rates() if rate.per == "key"}
    assert per_key, "allauth counts wrong passwords per login name"
    assert per_key <= set(KEY_SHAPES), f"undeclared: {sorted(per_key - set(KEY_SHAPES))}"
