"""The offline provider's side of things: what its checkout and portal pages do.

Each action composes the Stripe-shaped events Stripe would send, signs them with
``BILLING_OFFLINE_WEBHOOK_SECRET`` and hands them to ``deliver`` (the webhook's own path:
verify, then ``services.receive_event``). ``delivered`` keeps the last signed deliveries
(bounded) so a test can replay them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import deque
from typing import Any

from django.conf import settings
from django.utils import timezone

from mosaic.billing import events, signing
from mosaic.billing.models import Subscription
from mosaic.billing.plans import PAID
from mosaic.billing.providers import provider

PERIOD = dt.timedelta(days=30)
delivered: deque[tuple[bytes, str]] = deque(maxlen=1000)


def deliver(event: dict[str, Any]) -> bool:
    payload = json.dumps(event).encode()
    header = signing.sign(payload, settings.BILLING_OFFLINE_WEBHOOK_SECRET)
    delivered.append((payload, header))
    return receive(payload, header)


def receive(payload: bytes, header: str) -> bool:
    """What the webhook endpoint does with a delivery (verify, then apply once)."""
    from mosaic.billing.services import receive_event

    return receive_event(
        provider="offline", event=provider("offline").parse_webhook(payload, header)
    )


def _stamp(value: dt.datetime) -> int:
    return int(value.timestamp())


def _paid_invoice(
    *, user_id: int, customer: str, sub_id: str, start: dt.datetime
) -> dict[str, Any]:
    return events.event(
        "invoice.paid",
        events.invoice(
            invoice_id=events.new_id("in"),
            user_id=user_id,
            customer=customer,
            subscription_id=sub_id,
            amount=int(PAID.price * 100),
            currency=PAID.currency,
            period_start=_stamp(start),
            period_end=_stamp(start + PERIOD),
            paid=True,
        ),
    )


def complete_checkout(*, user_id: int) -> None:
    """The test card was accepted: session completed, subscription created, first invoice."""
    now = timezone.now()
    existing = Subscription.objects.filter(user_id=user_id).first()
    customer = (existing.customer_ref if existing else "") or events.new_id("cus")
    sub_id = events.new_id("sub")
    trial = settings.BILLING_TRIAL_DAYS
    period_end = now + (dt.timedelta(days=trial) if trial else PERIOD)
    deliver(
        events.event(
            "checkout.session.completed",
            events.checkout_session(
                session_id=events.new_id("cs"),
                user_id=user_id,
                customer=customer,
                subscription=sub_id,
            ),
        )
    )
    deliver(
        events.event(
            "customer.subscription.created",
            events.subscription(
                subscription_id=sub_id,
                user_id=user_id,
                customer=customer,
                status="trialing" if trial else "active",
                period_end=_stamp(period_end),
                trial_end=_stamp(period_end) if trial else None,
            ),
        )
    )
    if not trial:
        deliver(_paid_invoice(user_id=user_id, customer=customer, sub_id=sub_id, start=now))


def _updated(subscription: Subscription, **changes: Any) -> dict[str, Any]:
    period_end = subscription.current_period_end or timezone.now() + PERIOD
    fields: dict[str, Any] = {
        "subscription_id": subscription.subscription_ref,
        "user_id": subscription.user_id,
        "customer": subscription.customer_ref,
        "status": subscription.status,
        "period_end": _stamp(period_end),
        "cancel_at_period_end": subscription.cancel_at_period_end,
    }
    fields.update(changes)
    return events.subscription(**fields)


def portal_action(*, subscription: Subscription, action: str) -> None:
    """``cancel`` (at period end), ``resume``, and what time would bring: ``renew`` (a paid
    renewal), ``fail`` (a failed renewal: past due) and ``end`` (the period ends)."""
    now = timezone.now()
    if action == "cancel":
        deliver(
            events.event(
                "customer.subscription.updated", _updated(subscription, cancel_at_period_end=True)
            )
        )
    elif action == "resume":
        deliver(
            events.event(
                "customer.subscription.updated", _updated(subscription, cancel_at_period_end=False)
            )
        )
    elif action == "renew":
        deliver(
            _paid_invoice(
                user_id=subscription.user_id,
                customer=subscription.customer_ref,
                sub_id=subscription.subscription_ref,
                start=now,
            )
        )
        deliver(
            events.event(
                "customer.subscription.updated",
                _updated(subscription, status="active", period_end=_stamp(now + PERIOD)),
            )
        )
    elif action == "fail":
        failed = events.invoice(
            invoice_id=events.new_id("in"),
            user_id=subscription.user_id,
            customer=subscription.customer_ref,
            subscription_id=subscription.subscription_ref,
            amount=int(PAID.price * 100),
            currency=PAID.currency,
            period_start=_stamp(now),
            period_end=_stamp(now + PERIOD),
            paid=False,
        )
        deliver(events.event("invoice.payment_failed", failed))
        deliver(
            events.event("customer.subscription.updated", _updated(subscription, status="past_due"))
        )
    elif action == "end":
        deliver(
            events.event("customer.subscription.deleted", _updated(subscription, status="canceled"))
        )
    else:
        raise ValueError(f"unknown action {action!r}")


ACTIONS = ("cancel", "resume", "renew", "fail", "end")
