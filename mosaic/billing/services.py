"""The subscription lifecycle, driven by the payment provider's (signed, verified) events.

Every provider speaks in Stripe-shaped events (the offline provider too), handled here once
per event id (``WebhookEvent``), so a replayed or duplicated webhook changes nothing:

1. ``checkout.session.completed`` / ``customer.subscription.created|updated``: the
   subscription's status, period end, trial and "cancel at period end" are stored. Entering
   ``past_due`` starts the grace period (``BILLING_GRACE_DAYS``) and emails the owner; a
   return to ``active`` ends it. ``BILLING_GRACE_REMINDER_DAYS`` before it runs out, the
   ``billing.end_grace`` job emails a reminder (``remind_grace_periods``), once per period.
2. ``invoice.paid``: Mosaic issues its own numbered invoice (``billing.invoices``), emailed.
3. ``invoice.payment_failed``: past due (as in 1).
4. ``customer.subscription.deleted``: the subscription ended (cancelled at period end, or
   unpaid): the free plan applies.

A change of plan sends ``signals.plan_changed`` on commit; nothing is ever deleted by it.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.billing import emails
from mosaic.billing.models import BillingDetails, Subscription, WebhookEvent
from mosaic.billing.plans import FREE, PAID, Plan, plan_for
from mosaic.billing.signals import plan_changed

log = logging.getLogger(__name__)

HANDLED = (
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
)


class EventRejected(Exception):
    """A verified event Mosaic cannot apply (unknown account, malformed object)."""


def _when(value: Any) -> dt.datetime | None:
    if value in (None, "", 0):
        return None
    if not isinstance(value, int):
        raise EventRejected("a time must be a Unix timestamp")
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


def receive_event(*, provider: str, event: dict[str, Any]) -> bool:
    """Apply one verified event once; False when this event id was seen before (a replay)."""
    event_id, kind = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(kind, str):
        raise EventRejected("an event needs an id and a type")
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict):
        raise EventRejected("an event needs data.object")
    seen = WebhookEvent.objects.filter(provider=provider, event_id=event_id[:100])
    if seen.exists():  # the usual replay: answered without a write
        return False
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(provider=provider, event_id=event_id[:100], type=kind[:64])
            if kind in HANDLED:
                _apply(provider=provider, kind=kind, obj=obj, created=_when(event.get("created")))
    except IntegrityError:
        if seen.exists():  # the same event applied meanwhile by another delivery
            return False
        raise
    return True


def _metadata_user(obj: dict[str, Any]) -> Any:
    """The account id in the object's metadata, or (an invoice) in its subscription's, where
    Stripe copies it: ``subscription_details`` (older API versions) or ``parent.``."""
    for holder in (
        obj,
        obj.get("subscription_details") or {},
        (obj.get("parent") or {}).get("subscription_details") or {},
    ):
        found = (holder.get("metadata") or {}).get("mosaic_user")
        if found:
            return found
    return None


def _user_of(obj: dict[str, Any]) -> User:
    """The account an event is about. An event that names none yet (an invoice delivered
    before its checkout) is refused; the provider delivers it again later."""
    raw = obj.get("client_reference_id") or _metadata_user(obj)
    if raw is None and obj.get("customer"):
        found = Subscription.objects.filter(customer_ref=str(obj["customer"])).first()
        if found is not None:
            return found.user
    if not str(raw or "").isdigit():
        raise EventRejected("the event names no Mosaic account")
    user = User.objects.filter(pk=int(str(raw))).first()
    if user is None:
        raise EventRejected("the event's account does not exist")
    return user


def _subscription(*, provider: str, user: User) -> Subscription:
    subscription, _created = Subscription.objects.select_for_update().get_or_create(
        user=user, defaults={"provider": provider}
    )
    return subscription


def _apply(*, provider: str, kind: str, obj: dict[str, Any], created: dt.datetime | None) -> None:
    from mosaic.billing import invoices  # invoices render through this module's neighbours

    user = _user_of(obj)
    before = plan_for(user)
    subscription = _subscription(provider=provider, user=user)
    subscription.provider = provider
    if kind == "checkout.session.completed":
        subscription.customer_ref = str(obj.get("customer") or "")[:100]
        subscription.subscription_ref = str(obj.get("subscription") or "")[:100]
    elif kind.startswith("customer.subscription."):
        stale = created and subscription.state_at and created < subscription.state_at
        if not stale:  # an older state arriving late is recorded as seen, not applied
            _apply_subscription(subscription, obj, deleted=kind.endswith(".deleted"))
            subscription.state_at = created or subscription.state_at
    elif kind == "invoice.paid":
        invoices.issue_for_payment(provider=provider, user=user, payment=obj)
    elif kind == "invoice.payment_failed":
        _past_due(subscription)
    subscription.save()
    after = plan_for(user)
    if after != before:
        downgraded_at = timezone.now() if after == FREE else None
        Subscription.objects.filter(pk=subscription.pk).update(downgraded_at=downgraded_at)
        if after == FREE:
            emails.downgraded(user=user)
        transaction.on_commit(partial(_send_plan_changed, user.pk, after))


def _send_plan_changed(user_id: int, plan: Plan) -> None:
    plan_changed.send(Subscription, user_id=user_id, plan=plan)


def _apply_subscription(subscription: Subscription, obj: dict[str, Any], *, deleted: bool) -> None:
    status = "canceled" if deleted else str(obj.get("status") or "")
    if status in ("incomplete_expired", "unpaid"):
        status = "canceled"
    if status not in Subscription.Status.values:
        raise EventRejected(f"unknown subscription status {status[:40]!r}")
    subscription.subscription_ref = str(obj.get("id") or subscription.subscription_ref)[:100]
    subscription.customer_ref = str(obj.get("customer") or subscription.customer_ref)[:100]
    subscription.current_period_end = _when(obj.get("current_period_end"))
    subscription.trial_end = _when(obj.get("trial_end"))
    subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    if status == Subscription.Status.PAST_DUE:
        _past_due(subscription)
    else:
        subscription.status = status
        subscription.grace_until = None
        subscription.grace_reminded_at = None


def _past_due(subscription: Subscription) -> None:
    """The grace period starts at the first failure and is not extended by the next ones."""
    if subscription.status == Subscription.Status.PAST_DUE and subscription.grace_until:
        return
    subscription.status = Subscription.Status.PAST_DUE
    subscription.grace_until = timezone.now() + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
    subscription.grace_reminded_at = None
    emails.payment_failed(user=subscription.user, grace_until=subscription.grace_until)


def end_grace_periods(*, now: dt.datetime | None = None) -> int:
    """Past-due subscriptions whose grace period ran out: the free plan applies (the
    provider's own retries may still bring the payment, and an ``active`` event restores
    the paid plan). Idempotent: each is downgraded once (``downgraded_at``)."""
    now = now or timezone.now()
    due = Subscription.objects.filter(
        status=Subscription.Status.PAST_DUE, grace_until__lte=now, downgraded_at__isnull=True
    ).select_related("user")[:500]
    done = 0
    for subscription in due:
        with transaction.atomic():
            claimed = Subscription.objects.filter(
                pk=subscription.pk, downgraded_at__isnull=True
            ).update(downgraded_at=now)
            if not claimed:
                continue
            emails.downgraded(user=subscription.user)
            transaction.on_commit(partial(_send_plan_changed, subscription.user_id, FREE))
            done += 1
    return done


def remind_grace_periods(*, now: dt.datetime | None = None) -> int:
    """Email each past-due owner once, ``BILLING_GRACE_REMINDER_DAYS`` before the grace period
    ends, that the paid plan is about to end. Idempotent: a reminder is claimed with a
    conditional UPDATE of ``grace_reminded_at`` in the transaction that writes the email.
    Nothing is sent when the reminder day would not fall after the period began (reminder days
    0, or not fewer than ``BILLING_GRACE_DAYS``): the first email already said it all."""
    days = settings.BILLING_GRACE_REMINDER_DAYS
    if not 0 < days < settings.BILLING_GRACE_DAYS:
        return 0
    now = now or timezone.now()
    due = Subscription.objects.filter(
        status=Subscription.Status.PAST_DUE,
        grace_until__gt=now,
        grace_until__lte=now + dt.timedelta(days=days),
        grace_reminded_at__isnull=True,
        downgraded_at__isnull=True,
    ).select_related("user")[:500]
    sent = 0
    for subscription in due:
        if subscription.grace_until is None:  # filtered out above; for the type checker
            continue
        with transaction.atomic():
            claimed = Subscription.objects.filter(
                pk=subscription.pk,
                grace_until=subscription.grace_until,
                grace_reminded_at__isnull=True,
            ).update(grace_reminded_at=now)
            if not claimed:
                continue
            emails.grace_ending(user=subscription.user, grace_until=subscription.grace_until)
            sent += 1
    return sent


def save_billing_details(
    *, user: User, country: str, name: str = "", address: str = "", vat_id: str = ""
) -> BillingDetails:
    details, _created = BillingDetails.objects.update_or_create(
        user=user,
        defaults={"country": country.upper(), "name": name, "address": address, "vat_id": vat_id},
    )
    return details


__all__ = [
    "PAID",
    "EventRejected",
    "end_grace_periods",
    "receive_event",
    "remind_grace_periods",
    "save_billing_details",
]
