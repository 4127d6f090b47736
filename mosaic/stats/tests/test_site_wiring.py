"""P12: a published site counts its own views and clicks, and the owner's copy counts nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from mosaic.stats.models import DailyCount
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import browser_client
from mosaic.websites.services import export_zip, publish
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(site, site_link, owner, django_capture_on_commit_callbacks):
    make_post(owner.user, "At the sea #sea")
    with django_capture_on_commit_callbacks(execute=True):
        publish(site=site)
    return site


def test_p12_a_served_page_carries_the_pixel_with_the_referring_host_and_counts_a_visit(
    published,
):
    visitor = browser_client(HTTP_REFERER="https://news.example.org/some/story?id=7")
    page = visitor.get("/olivia/").content.decode()
    assert f"/_m/v/{published.pk}.gif?p=%2Folivia%2F&amp;k=page&amp;r=news.example.org" in page
    assert "some/story" not in page, "only the host of the referrer, never the address (P12)"

    pixel = page.split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    visitor.get(pixel.removeprefix("http://127.0.0.1:8000").removeprefix("http://testserver"))
    flush()

    assert DailyCount.objects.filter(site=published, kind="page", dimension="total").exists()
    assert DailyCount.objects.filter(
        site=published, dimension="referrer", key="news.example.org"
    ).exists()


def test_p12_link_buttons_go_through_the_click_redirect_to_their_own_target(published, site_link):
    page = browser_client().get("/olivia/").content.decode()
    assert f"/_m/c/{published.pk}/{site_link.key}/" in page
    assert 'href="https://shop.example.com/olivia"' not in page

    answer = browser_client().get(f"/_m/c/{published.pk}/{site_link.key}/")
    assert answer.status_code == 302
    assert answer["Location"] == "https://shop.example.com/olivia"


def test_p12_the_owners_exported_copy_counts_nothing_and_links_straight(published):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(site=published).read()))
    pages = [archive.read(name).decode() for name in archive.namelist() if name.endswith(".html")]
    assert pages
    assert not any("/_m/" in page for page in pages)
    assert any('href="https://shop.example.com/olivia"' in page for page in pages)
