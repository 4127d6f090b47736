"""The payment-provider interface and its two adapters.

- ``StripeProvider``: the official ``stripe`` package against ``STRIPE_API_BASE`` (the real
  API, or the local stand-in in tests): hosted Checkout for the first payment, the customer
  portal for cards and cancelling, subscriptions; webhooks verified with the endpoint secret.
- ``OfflineProvider``: ``make run`` without Stripe: its checkout and portal are pages inside
  Mosaic (``offline_views``) that redirect the same way and deliver the same Stripe-shaped,
  signed events to the same handler.

Mosaic sends a provider only the account's id (``client_reference_id``, metadata): no email,
no name, no address (P23: nothing shared without consent; the hosted pages ask the person).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.billing import signing
from mosaic.billing.models import Subscription


class ProviderError(Exception):
    """The provider could not be reached or refused; ``str()`` is fit to show."""


class Provider(ABC):
    key: str
    name: Any
    #: A real processor of payments, named on the privacy policy (P04).
    real: bool

    @abstractmethod
    def checkout_url(self, *, user: User, success_url: str, cancel_url: str) -> str: ...

    @abstractmethod
    def portal_url(self, *, subscription: Subscription, return_url: str) -> str: ...

    @abstractmethod
    def webhook_secret(self) -> str: ...

    @abstractmethod
    def cancel_at_period_end(self, *, subscription: Subscription) -> None:
        """Ask the provider to end the subscription at the period's end (its webhook follows)."""

    def parse_webhook(self, payload: bytes, header: str | None) -> dict[str, Any]:
        """The verified event; ``signing.InvalidSignature`` or ValueError otherwise."""
        signing.verify(payload, header, self.webhook_secret())
        event = json.loads(payload)
        if not isinstance(event, dict):
            raise ValueError("an event is a JSON object")
        return event


class StripeProvider(Provider):
    key = "stripe"
    name = _("Stripe (payments)")
    real = True

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=2,
        )

    def checkout_url(self, *, user: User, success_url: str, cancel_url: str) -> str:
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [{"price": settings.STRIPE_PRICE_ID, "quantity": 1}],
            "client_reference_id": str(user.pk),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "subscription_data": {"metadata": {"mosaic_user": str(user.pk)}},
        }
        if settings.BILLING_TRIAL_DAYS:
            params["subscription_data"]["trial_period_days"] = settings.BILLING_TRIAL_DAYS
        existing = Subscription.objects.filter(user=user).exclude(customer_ref="").first()
        if existing is not None:
            params["customer"] = existing.customer_ref
        try:
            session = self.client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderError(
                _("The payment service is not available; please try again.")
            ) from exc
        return str(session.url)

    def portal_url(self, *, subscription: Subscription, return_url: str) -> str:
        try:
            session = self.client().v1.billing_portal.sessions.create(
                params={"customer": subscription.customer_ref, "return_url": return_url}
            )
        except stripe.StripeError as exc:
            raise ProviderError(
                _("The payment service is not available; please try again.")
            ) from exc
        return str(session.url)

    def webhook_secret(self) -> str:
        return str(settings.STRIPE_WEBHOOK_SECRET)

    def cancel_at_period_end(self, *, subscription: Subscription) -> None:
        try:
            self.client().v1.subscriptions.update(
                subscription.subscription_ref, params={"cancel_at_period_end": True}
            )
        except stripe.StripeError as exc:
            raise ProviderError(
                _("The payment service is not available; please try again.")
            ) from exc


class OfflineProvider(Provider):
    key = "offline"
    name = _("Offline test payments")
    real = False

    def checkout_url(self, *, user: User, success_url: str, cancel_url: str) -> str:
        from django.core import signing as django_signing

        token = django_signing.dumps(
            {"user": user.pk, "success": success_url, "cancel": cancel_url},
            salt="mosaic.billing.offline",
        )
        return reverse("billing:offline_checkout", args=[token])

    def portal_url(self, *, subscription: Subscription, return_url: str) -> str:
        from django.core import signing as django_signing

        token = django_signing.dumps(
            {"user": subscription.user_id, "return": return_url}, salt="mosaic.billing.offline"
        )
        return reverse("billing:offline_portal", args=[token])

    def webhook_secret(self) -> str:
        return str(settings.BILLING_OFFLINE_WEBHOOK_SECRET)

    def cancel_at_period_end(self, *, subscription: Subscription) -> None:
        from mosaic.billing import offline

        offline.portal_action(subscription=subscription, action="cancel")


PROVIDERS: dict[str, type[Provider]] = {"stripe": StripeProvider, "offline": OfflineProvider}


def provider(key: str | None = None) -> Provider:
    """The configured provider (or the one named); ProviderError when there is none."""
    chosen = PROVIDERS.get(key or settings.BILLING_PROVIDER)
    if chosen is None:
        raise ProviderError(_("Upgrading is not available on this installation yet."))
    return chosen()


def payment_processors() -> list[dict[str, str]]:
    """P04: the payment processor for the policy's list, only when a real one is configured
    (the offline test provider processes nothing)."""
    chosen = PROVIDERS.get(settings.BILLING_PROVIDER)
    if chosen is None or not chosen.real:
        return []
    configured = chosen()
    return [
        {
            "name": str(configured.name),
            "purpose": str(_("Takes payments for the paid plan: card and billing address")),
            "location": str(_("United States and European Union")),
        }
    ]
