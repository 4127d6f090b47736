"""P09: invoices outlive the account, detached from the person, for the buyer country's years."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from mosaic.audit.registry import SWEEP_GRACE
from mosaic.billing import invoices
from mosaic.billing.audit_checks import invoices_outlive_accounts_only_detached_and_on_time
from mosaic.billing.models import BillingDetails, Invoice
from mosaic.billing.privacy import BillingData, InvoiceData, delete_expired_invoices

pytestmark = pytest.mark.django_db
ENDED = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)


def invoice_for(user, country: str, ref: str) -> Invoice:
    BillingDetails.objects.update_or_create(
        user=user, defaults={"country": country, "name": "Olivia Makes", "address": "Quay 1"}
    )
    return invoices.issue_for_payment(provider="offline", user=user, payment={"id": ref})


def test_p09_erasure_detaches_invoices_and_keeps_them_for_the_country_period(owner):
    german = invoice_for(owner.user, "DE", "in_de")
    french = invoice_for(owner.user, "FR", "in_fr")
    with time_machine.travel(ENDED, tick=False):
        BillingData().erase_all([owner.user])
        InvoiceData().erase_all([owner.user])
    assert not BillingDetails.objects.exists()
    german.refresh_from_db()
    french.refresh_from_db()
    assert german.user is None
    assert german.buyer["name"] == "Olivia Makes"
    assert german.keep_until == ENDED.replace(year=2034)
    assert french.keep_until == ENDED.replace(year=2031)
    assert invoices_outlive_accounts_only_detached_and_on_time(timezone.now()) == []

    later = ENDED.replace(year=2031) + dt.timedelta(days=1)
    assert invoices_outlive_accounts_only_detached_and_on_time(later + SWEEP_GRACE) != []
    assert delete_expired_invoices(later, True) == 1  # a dry run counts
    assert delete_expired_invoices(later, False) == 1
    assert list(Invoice.objects.values_list("buyer_country", flat=True)) == ["DE"]
    assert delete_expired_invoices(ENDED.replace(year=2034) + dt.timedelta(days=1), False) == 1
    assert not Invoice.objects.exists()


def test_p09_an_invoice_of_a_living_account_is_never_swept(owner):
    invoice_for(owner.user, "FR", "in_1")
    assert delete_expired_invoices(timezone.now() + dt.timedelta(days=365 * 30), False) == 0
    assert Invoice.objects.get().user == owner.user


def test_p20_the_export_holds_the_invoices_and_billing_details(owner):
    invoice_for(owner.user, "FR", "in_1")
    assert InvoiceData().export(owner.user)[0]["number"].endswith("-000001")
    assert BillingData().export(owner.user)["billing_details"]["country"] == "FR"
