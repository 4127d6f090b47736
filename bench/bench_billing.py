"""Billing figures (issue 18), on a throwaway SQLite database.

- billing.webhook_events_per_s: signed webhook events through the real endpoint
  (``/billing/webhook/offline/``: signature check, JSON, the event applied once), for 200
  upgrades (checkout completed, subscription created, invoice paid: 600 events, 200 numbered
  invoices and their emails queued), then every event replayed twice (1,200 no-ops):
  all 1,800 requests over the total time.
- billing.webhook_replays_per_s: the replays alone (recognised by event id, nothing written).
- billing.invoice_pdf_ms: the median time to draw one invoice's PDF with fpdf2 (50 runs).
  docs/operations.md ("Billing") has WeasyPrint's figure for the same invoice, the peer.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client

from bench.bench_privacy import _throwaway_database

Metric = tuple[str, float | int, str]
UPGRADES = 200


def _events(user_ids: list[int]) -> list[tuple[bytes, str]]:
    from mosaic.billing import events, signing

    now = int(time.time())
    signed = []
    for user_id in user_ids:
        customer, sub = events.new_id("cus"), events.new_id("sub")
        for kind, obj in (
            (
                "checkout.session.completed",
                events.checkout_session(
                    session_id=events.new_id("cs"), user_id=user_id, customer=customer,
                    subscription=sub,
                ),
            ),
            (
                "customer.subscription.created",
                events.subscription(
                    subscription_id=sub, user_id=user_id, customer=customer, status="active",
                    period_end=now + 30 * 86400,
                ),
            ),
            (
                "invoice.paid",
                events.invoice(
                    invoice_id=events.new_id("in"), user_id=user_id, customer=customer,
                    subscription_id=sub, amount=500, currency="eur", period_start=now,
                    period_end=now + 30 * 86400, paid=True,
                ),
            ),
        ):  # fmt: skip
            payload = json.dumps(events.event(kind, obj)).encode()
            signed.append((payload, signing.sign(payload, settings.BILLING_OFFLINE_WEBHOOK_SECRET)))
    return signed


def _post_all(client: Client, signed: list[tuple[bytes, str]], expected: bytes) -> None:
    for payload, header in signed:
        response = client.post(
            "/billing/webhook/offline/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        if response.content != expected:
            raise RuntimeError(f"webhook answered {response.status_code} {response.content!r}")


def run() -> list[Metric]:
    from mosaic.accounts.models import User
    from mosaic.billing.invoices import render_pdf
    from mosaic.billing.models import Invoice

    settings.BILLING_PROVIDER = "offline"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with tempfile.TemporaryDirectory() as folder:
        _throwaway_database(Path(folder))
        password = make_password("bench-password-123")
        users = User.objects.bulk_create(
            User(username=f"buyer{n}", email=f"buyer{n}@example.com", password=password)
            for n in range(UPGRADES)
        )
        signed = _events([user.pk for user in users])
        client = Client()
        started = time.perf_counter()
        _post_all(client, signed, b"ok")
        replays_started = time.perf_counter()
        _post_all(client, signed, b"seen")
        _post_all(client, signed, b"seen")
        ended = time.perf_counter()
        if Invoice.objects.count() != UPGRADES:
            raise RuntimeError("every upgrade should have one invoice")
        invoice = Invoice.objects.order_by("sequence").first()
        assert invoice is not None
        render_pdf(invoice)  # fonts loaded once, as in a running process
        times = []
        for _ in range(50):
            start = time.perf_counter()
            render_pdf(invoice)
            times.append((time.perf_counter() - start) * 1000)
    total = 3 * len(signed)
    return [
        ("billing.webhook_events_per_s", round(total / (ended - started), 1), "events/s"),
        (
            "billing.webhook_replays_per_s",
            round(2 * len(signed) / (ended - replays_started), 1),
            "events/s",
        ),
        ("billing.invoice_pdf_ms", round(statistics.median(times), 2), "ms"),
    ]
