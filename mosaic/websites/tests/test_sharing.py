"""Sharing a site (issue #20): its address as a QR code that a camera reads back, and the
preview a chat app shows, read from the home page's Open Graph tags."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from conftest import make_user
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.sharing import qr_code, site_address
from mosaic.websites.tests.conftest import make_post
from mosaic.websites.tests.test_browser_sites import sign_in
from tests.browser import SCREENS, WCAG_AA

ADDRESS = "http://testserver/olivia/"


def decoded(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_png_qr_code_reads_back_as_the_address():
    assert decoded(qr_code(ADDRESS, "png")) == [ADDRESS]


def test_the_svg_qr_code_names_the_address_and_is_an_svg():
    svg = qr_code(ADDRESS, "svg").decode()
    assert svg.startswith("<svg")
    assert f"<title>{ADDRESS}</title>" in svg


@pytest.fixture
def site(owner, commit) -> Site:
    make_post(owner.user, "Morning swim at the lake #sea")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia swims")
        site.bio = "Cold water, every day"
        site.save(update_fields=["bio"])
    return site


@pytest.mark.django_db
def test_only_the_owner_gets_the_share_page_and_the_codes(site, owner, other_owner, visitor):
    for path in (f"/panel/sites/{site.pk}/share/", f"/panel/sites/{site.pk}/share/qr.png"):
        assert owner.client.get(path).status_code == 200
        assert other_owner.client.get(path).status_code == 404
        assert visitor.get(path).status_code == 302  # to sign in
    png = owner.client.get(f"/panel/sites/{site.pk}/share/qr.png?download=1")
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == 'attachment; filename="olivia-qr.png"'
    assert decoded(png.content) == [site_address(site)]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["gif", "svg.png", "SVG", "png%00"])
def test_an_unknown_code_format_is_not_found(site, owner, kind):
    assert owner.client.get(f"/panel/sites/{site.pk}/share/qr.{kind}").status_code == 404


@pytest.mark.django_db
def test_the_chat_preview_shows_the_draft_until_published_then_what_visitors_get(
    site, owner, commit
):
    page = owner.client.get(f"/panel/sites/{site.pk}/share/").content.decode()
    assert "once you publish" in page
    assert "Olivia swims" in page
    assert "Cold water, every day" in page
    with commit():
        services.publish(site=site)
    site.title = "A new title, not published"
    site.save(update_fields=["title"])
    page = owner.client.get(f"/panel/sites/{site.pk}/share/").content.decode()
    assert "when you send it" in page
    assert "Olivia swims" in page, "the published home page, not the draft"
    assert re.search(r'class="chat-card">\s*<img src="/media/photos/[^"]+"', page), "first photo"


@pytest.mark.django_db
def test_a_private_site_has_no_chat_preview(site, owner, commit):
    site.visibility = Site.Visibility.PRIVATE
    site.save(update_fields=["visibility"])
    with commit():
        services.publish(site=site)
    page = owner.client.get(f"/panel/sites/{site.pk}/share/").content.decode()
    assert "sees no preview" in page
    assert "chat-card" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [(390, 844), (1366, 900)])
def test_the_share_page_reads_well_and_its_qr_code_scans(page, settings, size):
    settings.ROOT_URLCONF = "mosaic.websites.tests.urls"
    user = make_user("olivia")
    make_post(user, "Morning swim at the lake #sea")
    site = services.create_site(owner=user, slug="olivia", title="Olivia swims")
    services.publish(site=site)
    sign_in(page)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"/panel/sites/{site.pk}/")
    page.get_by_role("link", name="Share: QR code and preview").click()
    page.wait_for_url(f"**/panel/sites/{site.pk}/share/")
    page.wait_for_load_state("networkidle")

    assert decoded(page.locator(".share-qr img").screenshot()) == [site_address(site)]
    assert page.locator(".chat-card img").evaluate("img => img.naturalWidth") > 0
    violations = Axe().run(page, options=WCAG_AA)
    assert violations.violations_count == 0, violations.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("document.documentElement.scrollHeight") < 2600
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"share-{size[0]}.png", full_page=True)
