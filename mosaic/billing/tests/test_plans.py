"""The plans' limits are declared once (billing.plans) and every check reads them."""

from __future__ import annotations

import pytest

from mosaic.billing.models import Subscription
from mosaic.billing.plans import FREE, PAID, plan_for
from mosaic.websites import services as websites
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


def test_pricing_shows_both_plans_with_the_limits_from_code(visitor):
    response = visitor.get("/pricing/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{PAID.price} {PAID.currency} a month" in html
    assert f"Up to {PAID.sites} sites" in html
    assert f"Statistics for the last {FREE.stats_days} days" in html
    assert f"Statistics for the last {PAID.stats_days} days" in html
    assert "<script" not in html


def test_pricing_is_in_russian(visitor):
    html = visitor.get("/pricing/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Тарифы" in html


def test_the_free_plan_allows_its_number_of_sites(owner):
    for n in range(FREE.sites):
        websites.create_site(owner=owner.user, slug=f"site{n}", title="A site")
    with pytest.raises(websites.PlanLimitReached):
        websites.create_site(owner=owner.user, slug="onemore", title="One more")
    response = owner.client.post("/panel/sites/", {"slug": "onemore", "title": "One more"})
    assert "Your plan allows" in response.content.decode()


def test_the_paid_plan_allows_more_sites(owner):
    Subscription.objects.create(user=owner.user, provider="offline", status="active")
    assert plan_for(owner.user) == PAID
    for n in range(FREE.sites + 1):
        websites.create_site(owner=owner.user, slug=f"site{n}", title="A site")


def test_the_branding_line_follows_the_plan(owner, visitor, commit):
    make_post(owner.user)
    with commit():
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
        websites.publish(site=site)
    assert "Made with Mosaic" in body(visitor.get("/olivia/"))
    Subscription.objects.create(user=owner.user, provider="offline", status="active")
    with commit():
        websites.publish(site=site)
    assert "Made with Mosaic" not in body(visitor.get("/olivia/"))


def test_a_past_due_subscription_keeps_the_plan_only_during_its_grace(owner):
    import datetime as dt

    from django.utils import timezone

    subscription = Subscription.objects.create(
        user=owner.user,
        provider="offline",
        status="past_due",
        grace_until=timezone.now() + dt.timedelta(days=1),
    )
    assert plan_for(owner.user) == PAID
    subscription.grace_until = timezone.now() - dt.timedelta(seconds=1)
    subscription.save()
    assert plan_for(owner.user) == FREE


def test_the_editor_says_a_paused_site_is_offline_for_the_plan(owner):
    from django.utils import timezone

    site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
    site.plan_paused_at = timezone.now()
    site.save(update_fields=["plan_paused_at"])
    page = owner.client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert "your plan keeps fewer sites online" in page
    assert 'href="/billing/"' in page


def test_a_site_restored_beyond_the_plan_comes_back_paused(owner):
    from mosaic.websites.models import Site

    sites = [
        websites.create_site(owner=owner.user, slug=f"site{n}", title="A site")
        for n in range(FREE.sites)
    ]
    websites.delete_site(site=sites[0])
    websites.create_site(owner=owner.user, slug="another", title="Another")
    assert websites.restore_site(site=sites[0])
    restored = Site.objects.get(pk=sites[0].pk)
    assert restored.deleted_at is None
    assert restored.plan_paused_at is not None
    assert Site.objects.online().filter(owner=owner.user).count() == FREE.sites
