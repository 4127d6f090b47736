"""Stripe-shaped event objects, for the senders Mosaic runs itself (the offline provider and
the Stripe stand-in), so both speak exactly what ``services.receive_event`` reads."""

from __future__ import annotations

import secrets
import time
from typing import Any


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def event(kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
    return {
        "id": new_id("evt"),
        "object": "event",
        "type": kind,
        "created": created or int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def checkout_session(
    *, session_id: str, user_id: int, customer: str, subscription: str
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "client_reference_id": str(user_id),
        "customer": customer,
        "subscription": subscription,
    }


def subscription(
    *,
    subscription_id: str,
    user_id: int,
    customer: str,
    status: str,
    period_end: int,
    cancel_at_period_end: bool = False,
    trial_end: int | None = None,
) -> dict[str, Any]:
    return {
        "id": subscription_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "current_period_end": period_end,
        "cancel_at_period_end": cancel_at_period_end,
        "trial_end": trial_end,
        "metadata": {"mosaic_user": str(user_id)},
    }


def invoice(
    *,
    invoice_id: str,
    user_id: int,
    customer: str,
    subscription_id: str,
    amount: int,
    currency: str,
    period_start: int,
    period_end: int,
    paid: bool,
) -> dict[str, Any]:
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": customer,
        "subscription": subscription_id,
        "status": "paid" if paid else "open",
        "amount_paid": amount if paid else 0,
        "amount_due": amount,
        "currency": currency.lower(),
        "period_start": period_start,
        "period_end": period_end,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": subscription_id,
                "metadata": {"mosaic_user": str(user_id)},
            },
        },
        "metadata": {},
    }
