"""Meta's ``signed_request``: ``<signature>.<payload>``, both base64url without padding, the
signature being HMAC-SHA256 of the encoded payload with the app secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

MAX_AGE = timedelta(days=1)


class InvalidSignedRequest(Exception):
    pass


def _decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidSignedRequest("the signed request is not base64url") from exc


def sign(payload: dict[str, Any], *, secret: str) -> str:
    """The signed request Meta would send; used by the stand-in and the tests."""
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() + "." + body


def parse(signed_request: str, *, secret: str) -> dict[str, Any]:
    """The payload, once its signature, algorithm and age are checked."""
    if not secret:
        raise InvalidSignedRequest("no app secret is configured")
    signature_part, _, body = signed_request.strip().partition(".")
    if not signature_part or not body:
        raise InvalidSignedRequest("the signed request is malformed")
    expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(_decode(signature_part), expected):
        raise InvalidSignedRequest("the signature does not match")
    try:
        payload = json.loads(_decode(body))
    except ValueError as exc:
        raise InvalidSignedRequest("the payload is not JSON") from exc
    if not isinstance(payload, dict):
        raise InvalidSignedRequest("the payload is not an object")
    if str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise InvalidSignedRequest("the algorithm is not HMAC-SHA256")
    issued_at = payload.get("issued_at")
    if not isinstance(issued_at, int):
        raise InvalidSignedRequest("the payload has no issue time")
    now = timezone.now().timestamp()
    if issued_at < now - MAX_AGE.total_seconds() or issued_at > now + 300:
        raise InvalidSignedRequest("the signed request has expired")
    expires = payload.get("expires")
    if isinstance(expires, int) and 0 < expires < now:
        raise InvalidSignedRequest("the signed request has expired")
    if not str(payload.get("user_id") or ""):
        raise InvalidSignedRequest("the payload names no user")
    return payload
