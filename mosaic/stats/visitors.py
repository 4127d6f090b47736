"""Who is counted, and how a visitor is recognised within one day without cookies (P12, P30).

A visitor is a keyed hash, HMAC-SHA256 over (site id, IP address, user agent) with that day's
random salt as the key. The address is read from the request, hashed in memory and forgotten:
it is never written to the database, the buffer or a log. The salt rotates at midnight UTC and
is destroyed 48 hours after its day began (``privacy.py``), so yesterday's hashes cannot be
matched to today's, and once the salt is gone nobody can recompute any hash.

Not counted: Global Privacy Control (``Sec-GPC: 1``) and Do Not Track (``DNT: 1``), bots and
crawlers (crawlerdetect's maintained list, ua-parser's spider family, or no user agent at all),
prefetches, and the site owner (signed in on this host, or a browser where they switched
counting off, which carries the ``mosaic_nocount`` cookie).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Mapping
from functools import lru_cache
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import IntegrityError, transaction
from django.utils import timezone
from ua_parser import parse

from mosaic.stats.models import DailySalt, Device

#: P13 cookie inventory: ``mosaic_nocount`` ("1"), first-party, HttpOnly, SameSite=Lax, one
#: year. Set only when the owner clicks "Don't count my visits" in the statistics panel, and
#: removed when they switch counting back on. It identifies nobody; it only tells the counter to
#: skip this browser. Functional: needed for the owner's own explicit request.
NO_COUNT_COOKIE = "mosaic_nocount"

_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE")
_crawlers = CrawlerDetect()


def refusal(meta: Mapping[str, Any], cookies: Mapping[str, str]) -> str | None:
    """Why this request (its WSGI environ and cookies) must not be counted, or None (P12)."""
    if meta.get("HTTP_SEC_GPC", "").strip() == "1":
        return "gpc"
    if meta.get("HTTP_DNT", "").strip() == "1":
        return "dnt"
    if any("prefetch" in meta.get(header, "").lower() for header in _PREFETCH_HEADERS):
        return "prefetch"
    if is_bot(meta.get("HTTP_USER_AGENT", "")):
        return "bot"
    if cookies.get(NO_COUNT_COOKIE):
        return "owner"
    return None


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    user_agent = user_agent[:512]
    if not user_agent.strip():
        return True
    if _crawlers.isCrawler(user_agent):
        return True
    device = parse(user_agent).device
    return device is not None and device.family == "Spider"


@lru_cache(maxsize=4096)
def device_class(user_agent: str) -> str:
    """Phone, tablet or desktop, from ua-parser (and the "Mobile" token Android phones send)."""
    parsed = parse(user_agent[:512])
    family = parsed.device.family if parsed.device else ""
    brand = (parsed.device.brand or "") if parsed.device else ""
    system = parsed.os.family if parsed.os else ""
    if family == "iPad" or "Tablet" in brand or "Tablet" in family or "Kindle" in family:
        return Device.TABLET
    if system == "Android":
        return Device.PHONE if "Mobile" in user_agent else Device.TABLET
    if family in ("iPhone", "iPod") or system in ("iOS", "Windows Phone") or "Mobi" in user_agent:
        return Device.PHONE
    return Device.DESKTOP


def is_owner(cookies: Mapping[str, str], owner_id: int) -> bool:
    """True when the cookies carry the owner's own session (the pixel on the app's host).

    The session is only read, never saved or touched, so this path sets no cookie.
    """
    key = cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    try:
        return str(store.get(SESSION_KEY, "")) == str(owner_id)
    except Exception:  # a broken session must never stop counting or the page
        return False


def host_of(value: str) -> str:
    """The normalised host name of a URL or a bare host, or "" when it is not one (P12: the
    only part of a referrer that is kept).

    Lower case, no port, no trailing dot, no leading ``www.``, internationalised names in their
    ASCII (IDNA) form; a bare address (IPv4 or IPv6), a single-label name ("localhost") or
    anything that is not a host name gives "".
    """
    value = value.strip()
    if "//" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:
            return ""
    value = value.lower().rstrip(".")
    if not value.isascii():
        try:
            value = value.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    if not _HOST.match(value) or "." not in value or value.rsplit(".", 1)[1].isdigit():
        return ""
    return value.removeprefix("www.") if value.count(".") > 1 else value


def client_address(meta: Mapping[str, Any]) -> str:
    """The visitor's address, from the last trusted proxy's X-Forwarded-For or the socket
    (``TRUSTED_PROXY_COUNT``, the same rule allauth applies to rate limits)."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return meta.get("REMOTE_ADDR", "")


class _SaltCache:
    """Today's salt, kept in memory for one day only (the row is the source of truth)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._salt = b""

    def salt(self, day: dt.date) -> bytes:
        with self._lock:
            if self._day != day:
                self._salt, self._day = _salt_of(day), day
            return self._salt

    def forget(self) -> None:
        with self._lock:
            self._day, self._salt = None, b""


def _salt_of(day: dt.date) -> bytes:
    row = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if row is not None:
        return bytes(row)
    try:
        with transaction.atomic():
            return bytes(DailySalt.objects.create(day=day, salt=secrets.token_bytes(32)).salt)
    except IntegrityError:  # another process made it first
        return bytes(DailySalt.objects.get(day=day).salt)


salts = _SaltCache()


def visitor_hash(*, site_id: int, address: str, user_agent: str, day: dt.date) -> str:
    """P12, P30: the day's keyed hash of (site, address, user agent); the address stops here."""
    message = f"{site_id}\n{address}\n{user_agent[:512]}".encode()
    return hmac.new(salts.salt(day), message, hashlib.sha256).hexdigest()


def today() -> dt.date:
    return timezone.now().date()
