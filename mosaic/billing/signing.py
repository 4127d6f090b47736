"""Webhook signatures as Stripe makes them: ``Stripe-Signature: t=<unix time>,v1=<hex>``
where the hex is HMAC-SHA256 of ``"<t>.<raw body>"`` with the endpoint's secret.

Verification is the official ``stripe`` package's (``WebhookSignature.verify_header``: the
scheme, a constant-time compare, and the timestamp within ``TOLERANCE`` against replays);
``sign`` is for the senders Mosaic runs itself: the offline provider and the Stripe stand-in.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import stripe

HEADER = "Stripe-Signature"
TOLERANCE = 300  # seconds, Stripe's default


class InvalidSignature(Exception):
    pass


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def verify(payload: bytes, header: str | None, secret: str) -> None:
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=TOLERANCE)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidSignature(str(exc)) from exc
