"""Invoice numbers: gap-free per series and year, assigned when the invoice is issued."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, transaction

from conftest import make_user
from mosaic.billing import invoices
from mosaic.billing.models import Invoice


def paid(ref: str) -> dict[str, object]:
    return {"id": ref, "period_start": 1_767_225_600, "period_end": 1_769_904_000}


@pytest.mark.django_db
def test_numbers_restart_each_year_and_carry_the_series(settings):
    user = make_user("olivia")
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, tzinfo=dt.UTC), tick=False):
        assert (
            invoices.issue_for_payment(provider="offline", user=user, payment=paid("a")).number
            == "2026-000001"
        )
        assert (
            invoices.issue_for_payment(provider="offline", user=user, payment=paid("b")).number
            == "2026-000002"
        )
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC), tick=False):
        assert (
            invoices.issue_for_payment(provider="offline", user=user, payment=paid("c")).number
            == "2027-000001"
        )
        settings.BILLING_INVOICE_SERIES = "B"
        assert (
            invoices.issue_for_payment(provider="offline", user=user, payment=paid("d")).number
            == "B-2027-000001"
        )
    # The same payment twice is one invoice.
    assert (
        invoices.issue_for_payment(provider="offline", user=user, payment=paid("a")).number
        == "2026-000001"
    )


@pytest.mark.django_db
def test_a_rolled_back_invoice_leaves_no_gap():
    user = make_user("olivia")
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):

        def fail_after_the_number() -> None:
            with transaction.atomic():
                invoices.issue_for_payment(provider="offline", user=user, payment=paid("lost"))
                raise RuntimeError("the payment's processing failed after the number was taken")

        with pytest.raises(RuntimeError):
            fail_after_the_number()
        assert (
            invoices.issue_for_payment(provider="offline", user=user, payment=paid("kept")).number
            == "2026-000001"
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_invoices_get_distinct_numbers_without_gaps_on_postgresql():
    """Issued from 8 connections at once, one of which rolls back after taking its number:
    the counter's row lock (django-sequences) serialises them, so the 7 kept invoices are
    exactly 000001..000007."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write transaction")
    users = [make_user(f"buyer{n}") for n in range(8)]
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def issue(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                invoices.issue_for_payment(provider="offline", user=users[n], payment=paid(f"p{n}"))
                if n == 3:
                    raise LookupError("rolled back")
        except LookupError:
            pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, len(users)))
