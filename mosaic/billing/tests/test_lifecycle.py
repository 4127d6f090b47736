"""Upgrading through the offline provider, its webhooks applied once, past due, downgrade."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from mosaic.billing import offline, services
from mosaic.billing.models import BillingDetails, Invoice, Subscription, WebhookEvent
from mosaic.billing.plans import FREE, PAID, plan_for
from mosaic.billing.tests.conftest import state_of
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def upgrade(owner, commit, *, country: str = "DE") -> None:
    with commit():
        response = owner.client.post(
            "/billing/upgrade/", {"country": country, "name": "Olivia Shop"}
        )
    assert response.status_code == 302
    assert response["Location"].startswith("/billing/offline/checkout/")
    page = owner.client.get(response["Location"])
    assert page.status_code == 200
    with commit():
        paid = owner.client.post(response["Location"], {"action": "pay"})
    assert paid.status_code == 302
    assert paid["Location"].endswith("/billing/done/")


def portal(owner, commit, action: str) -> None:
    with commit():
        response = owner.client.post("/billing/manage/")
    assert response["Location"].startswith("/billing/offline/portal/")
    with commit():
        owner.client.post(response["Location"], {"action": action})


@time_machine.travel(NOW, tick=False)
def test_upgrading_gives_the_paid_plan_and_invoice_2026_000001(owner, commit):
    upgrade(owner, commit)
    assert plan_for(owner.user) == PAID
    invoice = Invoice.objects.get()
    assert invoice.number == "2026-000001"
    assert invoice.user == owner.user
    assert invoice.buyer["name"] == "Olivia Shop"
    assert (invoice.net, invoice.vat_rate, invoice.vat) == (PAID.price, 19, PAID.price * 19 / 100)
    assert invoice.emailed_at is not None
    assert any("2026-000001" in message.subject for message in mail.outbox)
    html = owner.client.get("/billing/invoices/2026-000001/").content.decode()
    assert "Olivia Shop" in html
    pdf = owner.client.get("/billing/invoices/2026-000001/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@time_machine.travel(NOW, tick=False)
def test_another_owner_cannot_see_an_invoice(owner, other_owner, commit):
    upgrade(owner, commit)
    assert other_owner.client.get("/billing/invoices/2026-000001/").status_code == 404
    assert other_owner.client.get("/billing/invoices/2026-000001/pdf/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_replaying_every_webhook_twice_changes_nothing(owner, commit):
    upgrade(owner, commit)
    portal(owner, commit, "renew")
    portal(owner, commit, "fail")
    portal(owner, commit, "renew")
    portal(owner, commit, "cancel")
    portal(owner, commit, "end")
    models = (Subscription, Invoice, WebhookEvent, Site)
    before, sent = state_of(*models), len(mail.outbox)
    deliveries = list(offline.delivered)
    assert len(deliveries) >= 10
    for _round in range(2):
        with commit():
            assert not any(offline.receive(payload, header) for payload, header in deliveries)
    assert state_of(*models) == before
    assert len(mail.outbox) == sent
    assert [i.number for i in Invoice.objects.order_by("sequence")] == [
        "2026-000001",
        "2026-000002",
        "2026-000003",
    ]


def test_a_webhook_with_a_bad_signature_is_refused(owner, client, settings):
    upgrade_event = {"id": "evt_1", "type": "invoice.paid", "data": {"object": {}}}
    import json

    from mosaic.billing import signing

    payload = json.dumps(upgrade_event).encode()
    for header in ("", "t=1,v1=00", signing.sign(payload, "whsec_wrong")):
        response = client.post(
            "/billing/webhook/offline/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 400
    stale = signing.sign(payload, settings.BILLING_OFFLINE_WEBHOOK_SECRET, timestamp=1_000_000)
    response = client.post(
        "/billing/webhook/offline/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stale,
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    # Another provider's endpoint does not exist while this one is configured.
    assert (
        client.post(
            "/billing/webhook/stripe/", payload, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_signed_webhook_is_applied_once_over_http(owner, client, settings, commit):
    import json

    from mosaic.billing import events, signing

    obj = events.subscription(
        subscription_id="sub_1",
        user_id=owner.user.pk,
        customer="cus_1",
        status="active",
        period_end=int((timezone.now() + dt.timedelta(days=30)).timestamp()),
    )
    payload = json.dumps(events.event("customer.subscription.created", obj)).encode()
    header = signing.sign(payload, settings.BILLING_OFFLINE_WEBHOOK_SECRET)
    post = lambda: client.post(  # noqa: E731
        "/billing/webhook/offline/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    with commit():
        assert post().content == b"ok"
        assert post().content == b"seen"
    assert plan_for(owner.user) == PAID


def test_malformed_events_are_refused_and_leave_nothing(owner, client, settings):
    import json

    from mosaic.billing import signing

    event: object
    for event in (
        [],
        {"id": "evt_x"},
        {
            "id": "evt_y",
            "type": "customer.subscription.updated",
            "data": {"object": {"status": "active"}},
        },
        {
            "id": "evt_z",
            "type": "customer.subscription.updated",
            "data": {
                "object": {"status": "bogus", "metadata": {"mosaic_user": str(owner.user.pk)}}
            },
        },
    ):
        payload = json.dumps(event).encode()
        header = signing.sign(payload, settings.BILLING_OFFLINE_WEBHOOK_SECRET)
        response = client.post(
            "/billing/webhook/offline/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not Subscription.objects.exists()


def test_p17_billing_details_are_asked_only_when_upgrading(owner):
    """P17: nothing but the country is required, and only to upgrade."""
    assert not BillingDetails.objects.exists()
    response = owner.client.post("/billing/upgrade/", {"country": ""})
    assert response.status_code == 200
    assert not BillingDetails.objects.exists()
    response = owner.client.post("/billing/upgrade/", {"country": "FR"})
    assert response.status_code == 302
    assert BillingDetails.objects.get().name == ""


def test_a_failed_renewal_keeps_the_plan_through_the_grace_period_then_downgrades(
    owner, commit, settings
):
    make_post(owner.user)
    with time_machine.travel(NOW, tick=False):
        upgrade(owner, commit)
        with commit():
            sites = [
                websites.create_site(owner=owner.user, slug=f"site{n}", title=f"Site {n}")
                for n in range(FREE.sites + 2)
            ]
            for site in sites:
                websites.publish(site=site)
        mail.outbox.clear()
        portal(owner, commit, "fail")
        assert plan_for(owner.user) == PAID
        assert "failed" in mail.outbox[-1].subject
    later = NOW + dt.timedelta(days=settings.BILLING_GRACE_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        assert plan_for(owner.user) == FREE
        with commit():
            assert services.end_grace_periods() == 1
        assert services.end_grace_periods() == 0
        assert "free plan" in mail.outbox[-1].subject
        # Nothing deleted: every site is still there, the plan's number online, two paused.
        assert Site.objects.live().filter(owner=owner.user).count() == FREE.sites + 2
        online = Site.objects.online().filter(owner=owner.user)
        assert online.count() == FREE.sites
        paused = Site.objects.filter(owner=owner.user, plan_paused_at__isnull=False)
        assert paused.count() == 2
        chosen = paused.earliest("created_at")
        assert owner.client.get(f"/{chosen.slug}/").status_code == 410
        # The owner chooses which site stays online.
        with commit():
            owner.client.post("/billing/sites/", {"sites": [chosen.pk]})
        assert list(Site.objects.online().filter(owner=owner.user)) == [chosen]
        with commit():
            response = owner.client.post("/billing/sites/", {"sites": [s.pk for s in sites]})
        # More than the plan allows is refused and changes nothing.
        assert response.status_code == 302
        assert list(Site.objects.online().filter(owner=owner.user)) == [chosen]


@time_machine.travel(NOW, tick=False)
def test_cancelling_keeps_the_plan_to_the_period_end_then_keeps_every_site(owner, visitor, commit):
    make_post(owner.user)
    upgrade(owner, commit)
    with commit():
        for n in range(FREE.sites + 1):
            site = websites.create_site(owner=owner.user, slug=f"site{n}", title=f"Site {n}")
            websites.publish(site=site)
    assert "Made with Mosaic" not in body(visitor.get("/site0/"))
    portal(owner, commit, "cancel")
    assert Subscription.objects.get().cancel_at_period_end
    assert plan_for(owner.user) == PAID
    portal(owner, commit, "end")
    assert plan_for(owner.user) == FREE
    assert Site.objects.live().filter(owner=owner.user).count() == FREE.sites + 1
    online = Site.objects.online().filter(owner=owner.user)
    assert online.count() == FREE.sites
    assert "Made with Mosaic" in body(visitor.get(f"/{online.earliest('created_at').slug}/"))
    # Upgrading again brings every site back.
    upgrade(owner, commit)
    assert Site.objects.online().filter(owner=owner.user).count() == FREE.sites + 1


def test_without_a_provider_upgrading_is_not_offered_and_nothing_changes(owner, settings, client):
    settings.BILLING_PROVIDER = "none"
    page = owner.client.get("/billing/").content.decode()
    assert "not available on this installation" in page
    assert "/billing/upgrade/" not in page
    response = owner.client.post("/billing/upgrade/", {"country": "DE"}, follow=True)
    assert "not available on this installation" in response.content.decode()
    assert not Subscription.objects.exists()
    assert (
        client.post("/billing/webhook/none/", b"{}", content_type="application/json").status_code
        == 404
    )


@time_machine.travel(NOW, tick=False)
def test_an_optional_trial_gives_the_paid_plan_before_the_first_invoice(owner, commit, settings):
    settings.BILLING_TRIAL_DAYS = 14
    upgrade(owner, commit)
    subscription = Subscription.objects.get()
    assert subscription.status == "trialing"
    assert subscription.trial_end == NOW + dt.timedelta(days=14)
    assert plan_for(owner.user) == PAID
    assert not Invoice.objects.exists()


def test_an_older_subscription_event_arriving_late_does_not_undo_a_newer_one(owner, commit):
    """Stripe does not promise the order of events: the subscription keeps the newest state."""
    import json

    from django.conf import settings

    from mosaic.billing import events, signing

    def send(status: str, created: int) -> None:
        obj = events.subscription(
            subscription_id="sub_1",
            user_id=owner.user.pk,
            customer="cus_1",
            status=status,
            period_end=created + 30 * 86400,
        )
        payload = json.dumps(events.event("customer.subscription.updated", obj, created=created))
        header = signing.sign(payload.encode(), settings.BILLING_OFFLINE_WEBHOOK_SECRET)
        with commit():
            assert offline.receive(payload.encode(), header)

    now = int(timezone.now().timestamp())
    send("canceled", now)
    send("active", now - 60)  # sent before the cancellation, delivered after it
    assert Subscription.objects.get().status == "canceled"
    assert plan_for(owner.user) == FREE


def test_an_invoice_delivered_before_its_checkout_is_refused_then_applied_on_retry(
    owner, client, settings, commit
):
    """Stripe's invoice may name only the customer; before the checkout event tells Mosaic
    whose customer that is, the webhook answers 400 and Stripe delivers it again."""
    import json

    from mosaic.billing import events, signing

    invoice = events.invoice(
        invoice_id="in_early",
        user_id=owner.user.pk,
        customer="cus_early",
        subscription_id="sub_early",
        amount=500,
        currency="eur",
        period_start=1_790_000_000,
        period_end=1_792_600_000,
        paid=True,
    )
    invoice["parent"] = None  # as if Stripe had not copied the metadata
    early = json.dumps(events.event("invoice.paid", invoice)).encode()

    def post(payload: bytes):
        header = signing.sign(payload, settings.BILLING_OFFLINE_WEBHOOK_SECRET)
        with commit():
            return client.post(
                "/billing/webhook/offline/",
                payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )

    assert post(early).status_code == 400
    assert not Invoice.objects.exists()
    checkout = events.checkout_session(
        session_id="cs_1", user_id=owner.user.pk, customer="cus_early", subscription="sub_early"
    )
    assert (
        post(json.dumps(events.event("checkout.session.completed", checkout)).encode()).content
        == b"ok"
    )
    assert post(early).content == b"ok"
    assert Invoice.objects.get().user == owner.user
