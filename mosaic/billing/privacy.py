"""Billing's personal data: the subscription and billing details (gone with the account), and
invoices, which the law makes us keep after it (P09), detached from the person."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.billing.models import BillingDetails, Invoice, Subscription
from mosaic.billing.providers import ProviderError, provider
from mosaic.billing.retention import keep_until
from mosaic.lib.keys import delete_by_keys
from mosaic.privacy.registry import Category, Holding, Text, exempt, register
from mosaic.privacy.sweeps import delete_due, sweep

log = logging.getLogger(__name__)


@register
class BillingData(Category):
    key = "billing"
    title = _("Plan and billing details")
    description = _(
        "Your plan and subscription status, the payment service's reference numbers for you"
        " (never your card), and the billing details you gave for your invoices: country,"
        " and optionally a name, address and VAT number."
    )
    purpose = _("To provide the paid plan and to put the right details on your invoices.")
    legal_basis = _("Contract: the paid plan you chose.")
    holdings = (
        Holding("billing.Subscription", ("user", "customer_ref", "subscription_ref")),
        Holding("billing.BillingDetails", ("user", "name", "address", "country", "vat_id")),
    )

    def retention(self) -> Text:
        return _("While your account exists; deleted with it.")

    def export(self, user: User) -> dict[str, Any]:
        subscription = Subscription.objects.filter(user=user).first()
        details = BillingDetails.objects.filter(user=user).first()
        return {
            "subscription": None
            if subscription is None
            else {
                "provider": subscription.provider,
                "status": subscription.status,
                "current_period_end": subscription.current_period_end.isoformat()
                if subscription.current_period_end
                else None,
                "cancel_at_period_end": subscription.cancel_at_period_end,
            },
            "billing_details": None
            if details is None
            else {
                "name": details.name,
                "address": details.address,
                "country": details.country,
                "vat_id": details.vat_id,
            },
        }

    def quarantine(self, user: User) -> None:
        """P08: a deleted account stops paying: its subscription ends at the period's end (a
        restored account renews it from the customer portal). A provider that cannot be
        reached does not stop the deletion; it is logged for the operators."""
        subscription = Subscription.objects.filter(user=user).first()
        if subscription is None or not subscription.subscription_ref:
            return
        if subscription.cancel_at_period_end or not subscription.entitled():
            return
        try:
            provider(subscription.provider).cancel_at_period_end(subscription=subscription)
        except ProviderError:
            log.exception("Could not cancel the subscription of a deleted account")

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        ids = [user.pk for user in users]
        deleted = delete_by_keys(Subscription.objects.filter(user__any=ids))
        return deleted + delete_by_keys(BillingDetails.objects.filter(user__any=ids))


@register
class InvoiceData(Category):
    key = "invoices"
    title = _("Invoices and payments")
    description = _(
        "Each invoice: its number, date, amounts and VAT, and the buyer's details printed on it."
    )
    purpose = _("To account for payments, as tax law requires.")
    legal_basis = _("Legal obligation: invoices must be kept for the period tax law sets.")
    holdings = (Holding("billing.Invoice", ("user", "buyer", "buyer_country", "provider_ref")),)

    def retention(self) -> Text:
        countries = ", ".join(
            _("%(country)s: %(years)s years") % {"country": country, "years": years}
            for country, years in sorted(settings.BILLING_RETENTION_YEARS_BY_COUNTRY.items())
        )
        return _(
            "After your account ends, %(years)s years (%(countries)s, by the buyer's country),"
            " no longer linked to you: only the invoice with the buyer's details printed on it"
            " stays. Then deleted."
        ) % {"years": settings.BILLING_RETENTION_YEARS, "countries": countries}

    def export(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "number": item.number,
                "issued_at": item.issued_at.isoformat(),
                "total": str(item.total),
                "currency": item.currency,
                "buyer": item.buyer,
            }
            for item in Invoice.objects.filter(user=user).order_by("issued_at")
        ]

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        """P09: invoices are detached (the account link cut), not deleted: each gets its
        ``keep_until`` from its buyer's country, and the sweep below deletes it then. Two
        queries for the whole batch: its buyers' countries, then one UPDATE choosing each
        invoice's date by its country."""
        now = timezone.now()
        invoices = Invoice.objects.filter(user__any=[user.pk for user in users])
        countries = set(invoices.values_list("buyer_country", flat=True).distinct())
        if not countries:
            return 0
        until = Case(
            *(
                When(buyer_country=country, then=Value(keep_until(country=country, ended_at=now)))
                for country in sorted(countries)
            ),
            output_field=DateTimeField(),
        )
        return invoices.filter(buyer_country__in=countries).update(user=None, keep_until=until)


@sweep(
    name="billing.invoices",
    promise="P09",
    help=(
        "Deletes invoices whose account ended more than BILLING_RETENTION_YEARS ago (per buyer"
        " country, BILLING_RETENTION_YEARS_BY_COUNTRY), once detached from the person."
    ),
)
def delete_expired_invoices(now: dt.datetime, dry_run: bool) -> int:
    due = Invoice.objects.filter(Q(user__isnull=True) & Q(keep_until__lte=now))
    return delete_due(due, dry_run=dry_run, user_field=None)


exempt(
    "billing.WebhookEvent",
    None,
    reason="The payment service's event ids and types, kept to apply each event once.",
)
exempt(
    "billing.Invoice",
    ("provider", "number", "series", "description", "currency", "seller", "vat_note"),
    reason="The invoice's own number, the service sold and the seller's (Mosaic's) details.",
)
exempt(
    "billing.Subscription",
    ("provider", "status"),
    reason="Which payment service and the subscription's state.",
)
exempt("sequences.Sequence", None, reason="Invoice number counters per series and year.")
