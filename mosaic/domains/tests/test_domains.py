"""Custom domains: added by a paid owner, verified against a real DNS server (dnsmasq), served
with every rule of the public site, and stopped when the plan ends."""

from __future__ import annotations

import pytest

from mosaic.billing.models import Subscription
from mosaic.domains import services
from mosaic.domains.models import CustomDomain
from mosaic.websites import services as websites
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db
HOST = "shop.example.com"


@pytest.fixture(autouse=True)
def _target(settings):
    settings.DOMAINS_CNAME_TARGET = "sites.mosaic.test"
    settings.DOMAINS_ADDRESSES = ["192.0.2.10"]


@pytest.fixture
def paid(owner):
    return Subscription.objects.create(user=owner.user, provider="offline", status="active")


@pytest.fixture
def site(owner, commit):
    make_post(owner.user, "Harbour at dawn")
    with commit():
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia's shop")
        websites.publish(site=site)
    return site


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def verified(site, dns_server) -> CustomDomain:
    domain = services.set_domain(site=site, raw=HOST)
    dns_server.set_txt(f"_mosaic-verify.{HOST}", f"mosaic-verify={domain.token}")
    dns_server.set_cname(HOST, "sites.mosaic.test")
    assert services.check(domain=domain)
    return domain


def test_the_free_plan_has_no_custom_domain(owner, site):
    response = owner.client.post(f"/domains/{site.pk}/", {"domain": HOST}, follow=True)
    assert "comes with the paid plan" in response.content.decode()
    assert not CustomDomain.objects.exists()


def test_it_shows_the_records_then_verifies_them_in_dns(owner, site, paid, dns_server):
    owner.client.post(f"/domains/{site.pk}/", {"domain": "Shop.Example.COM."})
    domain = CustomDomain.objects.get()
    assert domain.domain == HOST
    page = owner.client.get("/domains/").content.decode()
    assert f"mosaic-verify={domain.token}" in page
    assert "sites.mosaic.test" in page
    response = owner.client.post(f"/domains/{site.pk}/check/", follow=True)
    assert "TXT record is missing" in response.content.decode()
    assert CustomDomain.objects.get().verified_at is None
    dns_server.set_txt(f"_mosaic-verify.{HOST}", "mosaic-verify=somebody-else")
    dns_server.set_cname(HOST, "sites.mosaic.test")
    assert not services.check(domain=domain)
    dns_server.set_txt(f"_mosaic-verify.{HOST}", f"mosaic-verify={domain.token}")
    response = owner.client.post(f"/domains/{site.pk}/check/", follow=True)
    assert f"served on {HOST}" in response.content.decode()
    assert CustomDomain.objects.get().verified_at is not None


def test_a_records_pointing_here_verify_too(site, paid, dns_server):
    domain = services.set_domain(site=site, raw=HOST)
    dns_server.set_txt(f"_mosaic-verify.{HOST}", f"mosaic-verify={domain.token}")
    dns_server.set_host(HOST, "203.0.113.99")
    assert not services.check(domain=domain)
    dns_server.set_host(HOST, "192.0.2.10")
    assert services.check(domain=domain)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("192.0.2.1", "not an IP address"),
        ("localhost", "not a valid domain"),
        ("exa mple.com", "not a valid domain"),
        ("-bad-.example", "not a valid domain"),
        ("x.sites.mosaic.test", "Mosaic's own address"),
    ],
)
def test_it_refuses_what_is_not_a_domain_of_yours(site, paid, raw, why):
    with pytest.raises(services.DomainRefused, match=why):
        services.set_domain(site=site, raw=raw)


def test_a_domain_is_one_sites_only(site, paid, other_owner):
    services.set_domain(site=site, raw=HOST)
    Subscription.objects.create(user=other_owner.user, provider="offline", status="active")
    other = websites.create_site(owner=other_owner.user, slug="oscar", title="Oscar")
    with pytest.raises(services.DomainRefused, match="already in use"):
        services.set_domain(site=other, raw=HOST.upper())


def test_the_site_is_served_on_its_domain_with_the_same_rules(site, paid, dns_server, visitor):
    verified(site, dns_server)
    home = visitor.get("/", HTTP_HOST=HOST)
    assert home.status_code == 200
    assert "Olivia&#x27;s shop" in body(home) or "Olivia's shop" in body(home)
    assert home["Cache-Control"] == "public, no-cache"
    assert visitor.get("/olivia/", HTTP_HOST=HOST).status_code == 200  # the pages' own links
    assert visitor.get("/robots.txt", HTTP_HOST=HOST).status_code == 200
    # The application is not on the custom domain.
    assert visitor.get("/panel/", HTTP_HOST=HOST).status_code == 404
    # A host Mosaic knows nothing of is left to ALLOWED_HOSTS (400).
    assert visitor.get("/", HTTP_HOST="unknown.example.net").status_code == 400
    # A private site stays its owner's only (no session reaches a custom domain).
    with_private = websites.update_settings
    with_private(site=site, slug="olivia", visibility="private", hide_from_search=False)
    assert visitor.get("/", HTTP_HOST=HOST).status_code == 404


def test_caddy_asks_and_only_serving_domains_are_answered(site, paid, dns_server, visitor):
    assert visitor.get("/_domains/ask/", {"domain": HOST}).status_code == 404
    verified(site, dns_server)
    assert visitor.get("/_domains/ask/", {"domain": HOST}).status_code == 200
    assert visitor.get("/_domains/ask/", {"domain": "other.example"}).status_code == 404
    assert visitor.get("/_domains/ask/").status_code == 404
    # The plan ends: the domain stops (ask and serving), the record stays for an upgrade.
    paid.status = "canceled"
    paid.save()
    assert visitor.get("/_domains/ask/", {"domain": HOST}).status_code == 404
    assert visitor.get("/", HTTP_HOST=HOST).status_code == 404
    assert CustomDomain.objects.filter(domain=HOST, verified_at__isnull=False).exists()


def test_a_visit_on_the_custom_domain_is_counted_like_any_other(
    site, paid, dns_server, visitor, settings, tmp_path
):
    import uuid

    from mosaic.stats.models import DailyCount
    from mosaic.stats.services import flush

    settings.STATS_SPOOL_DIR = tmp_path / "spool"
    settings.STATS_REDIS_PREFIX = f"test:stats:{uuid.uuid4().hex}:"
    verified(site, dns_server)
    page = body(visitor.get("/", HTTP_HOST=HOST))
    pixel = page.split('class="stats-pixel"')[0].rsplit('src="', 1)[1].split('"')[0]
    pixel = pixel.replace("&amp;", "&")
    assert pixel.startswith(f"/_m/v/{site.pk}.gif")
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148 Safari/604.1"
    assert visitor.get(pixel, HTTP_HOST=HOST, HTTP_USER_AGENT=phone).status_code == 200
    flush()
    assert DailyCount.objects.filter(site=site, kind="page", dimension="total").exists()


def test_pending_domains_are_checked_again_by_the_periodic_job(site, paid, dns_server):
    import datetime as dt

    from django.utils import timezone

    from mosaic.jobs.registry import registered_jobs

    assert "domains.check_pending" in {job.name for job in registered_jobs()}
    domain = services.set_domain(site=site, raw=HOST)
    assert services.check_pending() == 0
    assert CustomDomain.objects.get().problem
    dns_server.set_txt(f"_mosaic-verify.{HOST}", f"mosaic-verify={domain.token}")
    dns_server.set_cname(HOST, "sites.mosaic.test")
    assert services.check_pending() == 1
    assert CustomDomain.objects.get().verified_at is not None
    # A domain added more than a week ago and never verified is left to its owner.
    CustomDomain.objects.update(verified_at=None, created_at=timezone.now() - dt.timedelta(days=8))
    assert services.check_pending() == 0
    assert CustomDomain.objects.get().verified_at is None
