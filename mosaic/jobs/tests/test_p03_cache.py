"""P03, P08: the cache holds no personal data past its time, and no address in any key."""

from __future__ import annotations

import base64
import hashlib
import pickle
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from mosaic.jobs import periodic

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADDRESS = "203.0.113.9"


def cache_rows() -> list[tuple[str, object]]:
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the database cache's own rows; Redis expires keys itself")
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 (a setting)
        return [
            (key, pickle.loads(base64.b64decode(value)))  # noqa: S301 (our own cache)
            for key, value in cursor.fetchall()
        ]


def test_p03_expired_cache_rows_are_culled_by_the_hourly_job_and_live_ones_kept():
    with time_machine.travel(NOW, tick=False):
        cache.set("short", "a session of someone", timeout=60)
        cache.set("long", "still needed", timeout=3600)
    assert len(cache_rows()) == 2
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert periodic.cull_expired_cache.call() == 1
        assert periodic.cull_expired_cache.call() == 0
        assert cache.get("long") == "still needed"
    assert len(cache_rows()) == 1


def test_p03_rate_limit_keys_carry_a_keyed_hash_never_the_address_or_login(owner):
    stranger = Client(REMOTE_ADDR=ADDRESS)
    stranger.post("/accounts/login/", {"login": "olivia", "password": "wrong"})
    stranger.post("/accounts/login/", {"login": "olivia@example.com", "password": "wrong"})
    rows = cache_rows()
    assert rows, "the failed sign-ins are counted"
    plain = [
        ADDRESS,
        "olivia",
        *(
            hashlib.sha256(f"{d}:{login}".encode()).hexdigest()
            for d in ("example.com", "testserver")
            for login in ("olivia", "olivia@example.com")
        ),
    ]
    for key, value in rows:
        assert not any(text in key for text in plain), key
        assert ADDRESS not in repr(value)
        assert len(key.split(":")[-1]) == 64  # an HMAC-SHA256, hex
    # the same visitor still meets its own counter (the hash is stable)
    for _ in range(4):
        stranger.post("/accounts/login/", {"login": "olivia", "password": "wrong"})
    answer = stranger.post("/accounts/login/", {"login": "olivia", "password": "wrong"})
    assert "Too many failed login attempts" in answer.content.decode()
