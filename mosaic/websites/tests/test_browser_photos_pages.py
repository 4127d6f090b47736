"""The photos page with more posts than fit on one page, as a person sees it: a full page at a
phone and a laptop size (axe, no sideways scroll, a bounded height, lazy thumbnails with their
size set), and the page links followed with JavaScript off."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD, make_user
from mosaic.posts.models import Post
from mosaic.websites import services
from mosaic.websites.tests.conftest import make_post
from mosaic.websites.tests.test_browser_sites import sign_in
from tests.browser import SCREENS, WCAG_AA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]

# A full page (PHOTOS_PER_PAGE rows) at most this tall: a row is a thumbnail and four buttons.
MAX_HEIGHT = {"phone": (390, 844, 16_000), "laptop": (1366, 900, 11_000)}
PER_PAGE = services.PHOTOS_PER_PAGE


@pytest.fixture
def site():
    """Olivia with two and a half pages of posts, the newest eight with real photos."""
    user = make_user("olivia")
    start = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    Post.objects.bulk_create(
        Post(
            owner=user,
            source=Post.Source.UPLOAD,
            external_id=f"bulk{n}",
            caption=f"Harbour at dawn, day {n}",
            taken_at=start + dt.timedelta(days=n),
        )
        for n in range(PER_PAGE * 2 + 10)
    )
    for day in range(8):
        make_post(user, f"New photo {day}", days=500 + day)
    return services.create_site(owner=user, slug="olivia", title="Olivia")


@pytest.mark.parametrize("size", MAX_HEIGHT)
def test_a_full_page_of_photos_is_readable(page, site, size):
    width, height, bound = MAX_HEIGHT[size]
    sign_in(page)
    page.set_viewport_size({"width": width, "height": height})
    for number in (1, 2):
        page.goto(f"/panel/sites/{site.pk}/posts/?page={number}")
        assert page.locator(".site-posts > li").count() == PER_PAGE
        (SCREENS / size).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENS / size / f"photos-page-{number}.png", full_page=True)
        facts = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, width: innerWidth,"
            " height: document.documentElement.scrollHeight})"
        )
        assert facts["scroll"] <= facts["width"], facts
        assert facts["height"] <= bound, facts
        violations = Axe().run(page, options=WCAG_AA).response["violations"]
        assert violations == [], [(v["id"], v["nodes"][0]["html"][:120]) for v in violations]
    # Every thumbnail waits until it is near (lazy) and keeps its space meanwhile.
    images = page.locator("img.photo-image")
    page.goto(f"/panel/sites/{site.pk}/posts/")
    assert images.count() == 8
    for n in range(images.count()):
        image = images.nth(n)
        assert image.get_attribute("loading") == "lazy"
        assert int(image.get_attribute("width") or 0) > 0
        assert int(image.get_attribute("height") or 0) > 0


def test_page_links_work_without_javascript(browser, live_server, site):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.locator("#id_login").fill("olivia")
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    tab.wait_for_url("**/panel/")
    tab.goto(f"/panel/sites/{site.pk}/posts/")
    pages = tab.get_by_role("navigation", name="Pages of photos", exact=True)
    pages.get_by_role("link", name="Next →").click()
    tab.wait_for_url("**/posts/?page=2")
    assert tab.locator("[aria-current=page]").first.inner_text() == "2"
    first = tab.locator(".site-posts > li").first
    caption = first.locator(".site-post-caption").inner_text()
    # Hiding a post on page 2 comes back to page 2, at that post, hidden.
    first.get_by_role("button", name="Hide").click()
    tab.wait_for_url("**/posts/?page=2#post-*")
    row = tab.locator(".site-posts > li", has_text=caption)
    assert "is-hidden" in (row.get_attribute("class") or "")
    pages.get_by_role("link", name="3", exact=True).click()
    tab.wait_for_url("**/posts/?page=3")
    assert tab.locator(".site-posts > li").count() == 18  # 2 * 60 + 10 + 8 posts in all
    context.close()
