"""The Stripe adapter against the local Stripe stand-in (real HTTP through the official
``stripe`` package, pointed at it by STRIPE_API_BASE), with webhooks signed as Stripe signs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
import time_machine

from mosaic.billing.models import Invoice, Subscription, WebhookEvent
from mosaic.billing.plans import FREE, PAID, plan_for
from mosaic.billing.standin.server import StandInServer
from mosaic.billing.tests.conftest import state_of
from mosaic.policy.content import privacy_context

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)


@pytest.fixture
def stripe_stand_in(settings) -> Iterator[StandInServer]:
    server = StandInServer(
        secret_key="sk_test_mosaic", webhook_secret="whsec_test_mosaic", price_id="price_paid"
    )
    server.start()
    settings.BILLING_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_mosaic"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_mosaic"
    settings.STRIPE_PRICE_ID = "price_paid"
    settings.STRIPE_API_BASE = server.base_url
    yield server
    server.shutdown()
    server.server_close()


def deliver(client, server: StandInServer, start: int = 0) -> list[bytes]:
    """Post the stand-in's signed deliveries from ``start`` on to the webhook; their answers."""
    answers = []
    for payload, header in server.state.deliveries[start:]:
        response = client.post(
            "/billing/webhook/stripe/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 200, response.content
        answers.append(response.content)
    return answers


@time_machine.travel(NOW, tick=True)
def test_stripe_checkout_portal_and_webhooks_end_to_end(
    owner, client, stripe_stand_in, django_capture_on_commit_callbacks
):
    state = stripe_stand_in.state
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.client.post("/billing/upgrade/", {"country": "NL"})
    assert response.status_code == 302
    checkout = response["Location"]
    assert checkout.startswith(f"{stripe_stand_in.base_url}/checkout/cs_test_")
    # P23: Stripe is told the account's id and nothing personal.
    sent = state.forms[-1]
    assert sent["client_reference_id"] == str(owner.user.pk)
    assert not any(owner.user.email in value for value in sent.values())
    assert httpx.get(checkout).status_code == 200
    paid = httpx.post(checkout + "/pay")
    assert paid.status_code == 303
    assert paid.headers["Location"].endswith("/billing/done/")
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, stripe_stand_in) == [b"ok", b"ok", b"ok"]
    assert plan_for(owner.user) == PAID
    subscription = Subscription.objects.get()
    assert subscription.customer_ref.startswith("cus_")
    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.vat_rate) == ("2026-000001", 21)

    # The customer portal: cancel at period end.
    with django_capture_on_commit_callbacks(execute=True):
        portal = owner.client.post("/billing/manage/")["Location"]
    assert portal.startswith(f"{stripe_stand_in.base_url}/portal/")
    seen = len(state.deliveries)
    assert httpx.post(portal + "/cancel").status_code == 303
    deliver(client, stripe_stand_in, seen)
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end
    assert plan_for(owner.user) == PAID

    # A renewal, a failed one (past due, still paid), then the period ends.
    seen = len(state.deliveries)
    sub_id = subscription.subscription_ref
    state.renew(sub_id)
    state.fail(sub_id)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, stripe_stand_in, seen)
    subscription.refresh_from_db()
    assert subscription.status == "past_due"
    assert plan_for(owner.user) == PAID
    seen = len(state.deliveries)
    state.end(sub_id)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, stripe_stand_in, seen)
    assert plan_for(owner.user) == FREE
    assert Invoice.objects.count() == 2

    # Every webhook again, twice: nothing changes.
    before = state_of(Subscription, Invoice, WebhookEvent)
    for _round in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert set(deliver(client, stripe_stand_in)) == {b"seen"}
    assert state_of(Subscription, Invoice, WebhookEvent) == before


def test_a_stripe_webhook_signed_with_another_secret_is_refused(owner, client, stripe_stand_in):
    stripe_stand_in.state.webhook_secret = "whsec_someone_else"
    stripe_stand_in.state.sessions["cs_x"] = {
        "status": "open",
        "client_reference_id": str(owner.user.pk),
        "metadata_user": str(owner.user.pk),
    }
    stripe_stand_in.state.complete("cs_x")
    for payload, header in stripe_stand_in.state.deliveries:
        response = client.post(
            "/billing/webhook/stripe/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 400
    assert plan_for(owner.user) == FREE
    assert not WebhookEvent.objects.exists()


def test_a_refused_api_key_is_a_clear_message_and_changes_nothing(owner, stripe_stand_in, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    response = owner.client.post("/billing/upgrade/", {"country": "DE"}, follow=True)
    assert "payment service is not available" in response.content.decode()
    assert plan_for(owner.user) == FREE
    assert not Subscription.objects.exists()


def test_p04_the_policy_lists_stripe_only_when_it_is_configured(settings, stripe_stand_in):
    names = [processor["name"] for processor in privacy_context()["processors"]]
    assert any("Stripe" in name for name in names)
    settings.BILLING_PROVIDER = "offline"
    names = [processor["name"] for processor in privacy_context()["processors"]]
    assert not any("Stripe" in name for name in names)


def test_p08_deleting_the_account_ends_the_stripe_subscription_at_the_period_end(
    owner, client, stripe_stand_in, django_capture_on_commit_callbacks
):
    from mosaic.privacy.services import request_account_deletion

    with django_capture_on_commit_callbacks(execute=True):
        checkout = owner.client.post("/billing/upgrade/", {"country": "DE"})["Location"]
    httpx.post(checkout + "/pay")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, stripe_stand_in)
    [sub] = stripe_stand_in.state.subscriptions.values()
    seen = len(stripe_stand_in.state.deliveries)
    with django_capture_on_commit_callbacks(execute=True):
        request_account_deletion(user=owner.user)
    assert sub["cancel_at_period_end"] is True
    assert "POST /v1/subscriptions/" + sub["id"] in stripe_stand_in.state.requests
    deliver(client, stripe_stand_in, seen)
    assert Subscription.objects.get().cancel_at_period_end
