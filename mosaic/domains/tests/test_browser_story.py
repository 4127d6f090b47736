"""Issue 18's whole story in a browser: upgrade through the offline provider, get invoice
2026-000001, add a custom domain verified against the local DNS server, be served on it
through Caddy, downgrade, and keep every site."""

from __future__ import annotations

import re

import pytest

from conftest import make_user
from mosaic.billing.plans import FREE
from mosaic.domains.models import CustomDomain
from mosaic.domains.tests.conftest import HOST, fetch
from mosaic.panel.tests.test_screens import Screen, look_at, sign_in
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upgrade_invoice_custom_domain_through_caddy_downgrade_keep_every_site(
    page, caddy, dns_server, settings, django_capture_on_commit_callbacks
):
    settings.DOMAINS_CNAME_TARGET = "sites.mosaic.test"
    user = make_user("olivia")
    make_post(user, "Harbour at dawn")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(FREE.sites):
            site = websites.create_site(owner=user, slug=f"olivia-{n}", title=f"Olivia {n}")
            websites.publish(site=site)

    sign_in(page, "olivia")
    page.goto("/billing/")
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name="Upgrade to the paid plan").click()
    page.get_by_role("button", name="Pay with the test card").click()
    page.wait_for_url("**/billing/")
    assert page.get_by_role("link", name="2026-000001").is_visible()

    page.goto("/domains/")
    page.get_by_label("Domain").first.fill(HOST)
    page.get_by_role("button", name="Add").first.click()
    page.wait_for_url("**/domains/")
    token = CustomDomain.objects.get().token
    assert page.get_by_text(f"mosaic-verify={token}").is_visible()
    problems = look_at(page, Screen("domains", "/domains/", (2600, 1800)), "phone", open_it=False)
    assert not problems, problems
    dns_server.set_txt(f"_mosaic-verify.{HOST}", f"mosaic-verify={token}")
    dns_server.set_cname(HOST, "sites.mosaic.test")
    page.get_by_role("button", name="Check the DNS now").click()
    page.wait_for_url("**/domains/")
    assert page.get_by_text(re.compile(f"served on {re.escape(HOST)}")).first.is_visible()

    served = fetch(HOST, caddy)
    assert served.stdout.endswith("\n200"), served.stderr
    assert "Olivia 0" in served.stdout
    assert "Made with Mosaic" not in served.stdout

    page.goto("/billing/")
    page.get_by_role("button", name="Manage payment and cancellation").click()
    page.get_by_role("button", name="Simulate the end of the period").click()
    page.wait_for_url("**/billing/")
    assert page.get_by_text("Your plan: Free").is_visible()
    # The custom domain stops (Caddy keeps the certificate it has, Mosaic serves nothing on
    # it; a new certificate would be refused: test_caddy.py); every site is kept.
    stopped = fetch(HOST, caddy)
    assert stopped.stdout.endswith("\n404")
    assert "Olivia" not in stopped.stdout
    assert Site.objects.live().filter(owner=user).count() == FREE.sites
    assert Site.objects.online().filter(owner=user).count() == FREE.sites
