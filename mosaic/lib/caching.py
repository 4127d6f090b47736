"""The cache holds no personal data past its time (P03, P08).

- ``keyed_key`` is the cache's ``KEY_FUNCTION``: every key is stored as an HMAC (a key derived
  from ``SECRET_KEY``) of the key the code asked for, so the cache never holds an address, a
  login name or an email (nor allauth's plain SHA-256 of one) in a rate-limit key; the same
  request finds the same entry, and nobody can go from a stored key back to a person.
- ``cull_expired`` deletes expired rows of the database cache (Django's database cache only
  culls when it is full, so expired rate-limit counters and sessions would stay for years). The
  ``cache.cull_expired`` periodic job runs it; erasing an account runs it too. Redis expires
  keys by itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Collection
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router
from django.utils import timezone

BATCH_SIZE = 1000


@lru_cache(maxsize=4)
def _keyed_mac(secret: str) -> hmac.HMAC:
    """The HMAC keyed for ``secret``, copied for each cache key: erasing a batch of accounts
    makes ~40 keys per account (``accounts.ratelimits.forget``), and a copy skips keying anew."""
    key = hashlib.sha256(b"mosaic cache key:" + secret.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def keyed_key(key: str, key_prefix: str, version: int) -> str:
    mac = _keyed_mac(settings.SECRET_KEY).copy()
    mac.update(key.encode())
    return f"{key_prefix}:{version}:{mac.hexdigest()}"


def delete_keys(keys: Collection[str], *, alias: str = "default") -> None:
    """``cache.delete_many(keys)`` for tens of thousands of keys at once (P08: erasing a batch
    of accounts deletes every rate-limit key that could name them, ~40 an account).

    Django's ``delete_many`` checks each key character by character for memcached (our keys
    are HMACs of a fixed shape, ``keyed_key``), and the database cache's sends one parameter
    per key, each parsed and quoted by the driver: most of an erasure's time. Here the database
    cache gets the keys as one JSON array, unpacked by the database itself; Redis gets them in
    one ``DEL``; any other backend goes through its own ``delete_many``."""
    cache = caches[alias]
    if not keys:
        return
    if isinstance(cache, DatabaseCache):
        _delete_rows(cache, [cache.make_key(key) for key in keys])
    elif isinstance(cache, RedisCache):
        cache._cache.delete_many([cache.make_key(key) for key in keys])  # type: ignore[attr-defined]
    else:
        cache.delete_many(keys)


#: The rows of a JSON array of strings, as a subquery, per database engine.
JSON_STRINGS = {
    "postgresql": "SELECT json_array_elements_text(%s::json)",
    "sqlite": "SELECT value FROM json_each(%s)",
}


def _delete_rows(cache: DatabaseCache, made: list[str]) -> None:
    connection = connections[router.db_for_write(cache.cache_model_class)]
    strings = JSON_STRINGS.get(connection.vendor)
    if strings is None:
        cache._base_delete_many(made)  # type: ignore[attr-defined]
        return
    table = connection.ops.quote_name(cache._table)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE cache_key IN ({strings})",  # noqa: S608 (its own table)
            [json.dumps(made)],
        )


def cull_expired(*, alias: str = "default", batches: int = 100) -> int:
    """Delete up to ``batches`` x 1,000 expired rows of a database cache; returns how many."""
    cache = caches[alias]
    if not isinstance(cache, DatabaseCache):
        return 0
    database = router.db_for_write(cache.cache_model_class)
    connection = connections[database]
    table = connection.ops.quote_name(cache._table)  # type: ignore[attr-defined]
    now = timezone.now().replace(microsecond=0)
    if not settings.USE_TZ:
        now = now.replace(tzinfo=None)
    deleted = 0
    with connection.cursor() as cursor:
        for _ in range(batches):
            cursor.execute(
                f"DELETE FROM {table} WHERE cache_key IN "  # noqa: S608 (the cache's own table)
                f"(SELECT cache_key FROM {table} WHERE expires < %s LIMIT {BATCH_SIZE})",
                [connection.ops.adapt_datetimefield_value(now)],
            )
            deleted += max(cursor.rowcount, 0)
            if cursor.rowcount < BATCH_SIZE:
                break
    return deleted


KEYED = re.compile(r"^[^:]*:\d+:[0-9a-f]{64}$")
#: Keys looked at per audit.
AUDIT_KEYS = 100_000


def answers() -> bool:
    """Whether the default cache stores and reads back (rate limits count there, P11)."""
    try:
        default_cache.set("mosaic-audit-probe", 1, timeout=60)
        return default_cache.get("mosaic-audit-probe") == 1
    except Exception:
        return False


def audit(*, now: dt.datetime) -> tuple[int, int]:
    """(rows expired before ``now`` still kept, keys that are not keyed hashes) in the default
    cache (P03). Redis expires keys itself; its keys are checked by a bounded scan."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        database = router.db_for_read(backend.cache_model_class)
        connection = connections[database]
        table = connection.ops.quote_name(backend._table)  # type: ignore[attr-defined]
        if not settings.USE_TZ:
            now = now.replace(tzinfo=None)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE expires < %s",  # noqa: S608 (its own table)
                [connection.ops.adapt_datetimefield_value(now)],
            )
            expired = cursor.fetchone()[0]
            cursor.execute(f"SELECT cache_key FROM {table} LIMIT {AUDIT_KEYS}")  # noqa: S608
            plain = sum(1 for (key,) in cursor.fetchall() if not KEYED.match(key))
        return expired, plain
    client = getattr(getattr(backend, "_cache", None), "get_client", None)
    if client is None:
        return 0, 0
    keys = client().scan_iter(count=1000)
    plain = 0
    for number, key in enumerate(keys):
        if number >= AUDIT_KEYS:
            break
        text = key.decode(errors="replace") if isinstance(key, bytes) else str(key)
        if text.startswith(f"{backend.key_prefix}:") and not KEYED.match(text):
            plain += 1
    return 0, plain
