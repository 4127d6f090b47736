"""Subscriptions, billing details, webhook receipts and invoices.

What Mosaic keeps of a payment provider's customer is the provider's opaque ids: never a card,
an email or an address (the provider's hosted pages collect those). The one address Mosaic
stores is the buyer block an invoice must carry, taken from the owner's optional billing details
when an invoice is issued (P17), and kept with the invoice for its legal period (P09).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """An owner's paid subscription, as the provider's webhooks describe it."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Waiting for the first payment")
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment failed")
        CANCELED = "canceled", _("Ended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="subscription",
    )
    provider = models.CharField(max_length=16)
    customer_ref = models.CharField(max_length=100, blank=True, db_index=True)
    subscription_ref = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INCOMPLETE)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    #: Past due: the paid plan stays until then (BILLING_GRACE_DAYS after the failed payment).
    grace_until = models.DateTimeField(null=True, blank=True, db_index=True)
    #: When this grace period's reminder went out (``BILLING_GRACE_REMINDER_DAYS`` before it
    #: ends); cleared when a new grace period starts or the payment goes through.
    grace_reminded_at = models.DateTimeField(null=True, blank=True)
    #: The provider's time of the subscription event last applied: Stripe does not promise
    #: order, so an older event arriving late does not undo a newer state.
    state_at = models.DateTimeField(null=True, blank=True)
    #: When the free plan's limits were last applied (downgrade); cleared by an upgrade.
    downgraded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider} {self.status}"

    def entitled(self, now: dt.datetime | None = None) -> bool:
        """Whether the paid plan applies now: trial or active, or past due within the grace
        period. A subscription cancelled at period end stays active until the provider ends
        it at that date (its ``customer.subscription.deleted`` event)."""
        now = now or timezone.now()
        if self.status in (self.Status.TRIALING, self.Status.ACTIVE):
            return True
        return (
            self.status == self.Status.PAST_DUE
            and self.grace_until is not None
            and self.grace_until > now
        )


class BillingDetails(models.Model):
    """P17: optional until an invoice needs them; only what an invoice must show."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_details"
    )
    name = models.CharField(_("name or company"), max_length=200, blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    country = models.CharField(_("country"), max_length=2)
    vat_id = models.CharField(_("VAT number"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.country


class WebhookEvent(models.Model):
    """One provider event, recorded once: a replay of the same id changes nothing."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class Invoice(models.Model):
    """An invoice, numbered without gaps per series and year when it is finalised.

    P09: kept for ``keep_until`` (the buyer's country's period, BILLING_RETENTION_YEARS) after
    the account ends, detached from the person: ``user`` is cut, ``buyer`` stays.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    provider = models.CharField(max_length=16)
    #: The provider's invoice (or payment) id: one Mosaic invoice per payment.
    provider_ref = models.CharField(max_length=100)
    series = models.CharField(max_length=8, blank=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=24, unique=True)
    issued_at = models.DateTimeField()
    period_start = models.DateField()
    period_end = models.DateField()
    description = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    net = models.DecimalField(max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("0.0"))
    vat = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    vat_note = models.CharField(max_length=200, blank=True)
    seller = models.JSONField(help_text="The seller block as printed.")
    buyer = models.JSONField(help_text="The buyer block as printed (P09: what the law needs).")
    buyer_country = models.CharField(max_length=2)
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: P09: set when the account ends; the retention sweep deletes the invoice after it.
    keep_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"], name="invoice_per_payment"
            ),
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="invoice_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number
