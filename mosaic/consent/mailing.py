"""Who may get promotional mail, and the links that stop it (P29).

Two categories: *service* mail (verification, security, changes to the service or its policies)
always goes out; *promotional* mail (the newsletter, offers) only to people who asked, and every
promotional message carries ``List-Unsubscribe`` with one-click ``List-Unsubscribe-Post``
(RFC 8058), so a mail client's "Unsubscribe" button works without signing in. Both are sent by
``mosaic.mail`` (which adds those headers); this module makes the signed unsubscribe links.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "mosaic.consent.unsubscribe"


def address_hash(email: str) -> str:
    """A keyed hash of an address: finds a subscriber or suppression without listing anyone."""
    key = hashlib.sha256(b"mosaic email address hash:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def unsubscribe_token(*, purpose: str, user_id: int | None = None, email_hash: str = "") -> str:
    """A signed token naming what to stop: a user's promotional mail or an address's newsletter.

    It never expires: an unsubscribe link must work in a years-old message.
    """
    payload = {"p": purpose, "u": user_id} if user_id else {"p": purpose, "h": email_hash}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict[str, Any] | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and "p" in payload else None


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("consent:unsubscribe", args=[token])
