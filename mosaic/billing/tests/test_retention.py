"""P09: invoices outlive the account, detached from the person, for the buyer country's years."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from conftest import make_user
from mosaic.audit.registry import SWEEP_GRACE
from mosaic.billing import invoices
from mosaic.billing.audit_checks import invoices_outlive_accounts_only_detached_and_on_time
from mosaic.billing.models import BillingDetails, Invoice
from mosaic.billing.privacy import BillingData, InvoiceData, delete_expired_invoices
from mosaic.privacy.tests.batches import queries_to_erase

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


def test_p08_p09_erasing_a_batch_detaches_each_accounts_invoices_and_spares_a_bystanders(
    owner, other_owner
):
    kept = invoice_for(other_owner.user, "DE", "in_bystander")
    first = make_user("anna")
    invoice_for(first, "FR", "in_anna")
    batch = [make_user(name) for name in ("boris", "clara", "dmitri")]
    for number, (user, country) in enumerate(zip(batch, ("DE", "FR", "DE"), strict=True)):
        invoice_for(user, country, f"in_{number}")
    invoice_for(batch[0], "DE", "in_second")  # two invoices for one account

    with time_machine.travel(ENDED, tick=False):
        few = queries_to_erase("billing", [first]) + queries_to_erase("invoices", [first])
        many = queries_to_erase("billing", batch) + queries_to_erase("invoices", batch)

    assert many == few  # a query per invoice or per account would grow with the batch
    assert list(BillingDetails.objects.values_list("user", flat=True)) == [other_owner.user.pk]
    detached = Invoice.objects.exclude(pk=kept.pk)
    assert detached.count() == 5
    assert not detached.filter(user__isnull=False).exists()
    assert {(invoice.buyer_country, invoice.keep_until) for invoice in detached} == {
        ("DE", ENDED.replace(year=2034)),
        ("FR", ENDED.replace(year=2031)),
    }
    kept.refresh_from_db()
    assert kept.user == other_owner.user
    assert kept.keep_until is None
