"""What an owner and a visitor click through (P28, P18, P16): the owner lists a site from the
editor; a visitor finds it in /explore/, by tag and by search, sees similar sites on it and
hides them. No JavaScript on any public page; axe-clean, nothing scrolls sideways, at a phone
and a laptop size (screenshots in var/screens/<size>/directory-*.png)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD, make_user
from mosaic.discovery import services
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post
from tests.browser import SCREENS, SIZES, WCAG_AA, unfold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]


def published(user, slug: str, title: str, *captions: str) -> Site:
    for caption in captions:
        make_post(user, caption)
    site = websites.create_site(owner=user, slug=slug, title=title)
    websites.publish(site=site)
    return Site.objects.get(pk=site.pk)


def check(tab, name: str, size: str) -> None:
    """axe finds nothing, no sideways scroll, no script; a screenshot to look at."""
    violations = Axe().run(tab, options=WCAG_AA).response["violations"]
    assert violations == [], [v["id"] for v in violations]
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert tab.locator("script:not([type='application/ld+json'])").count() == 0
    folder = SCREENS / size
    folder.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(folder / f"directory-{name}.png"), full_page=True)


def test_an_owner_lists_a_site_and_a_visitor_finds_it_and_hides_similar_sites(
    page, browser, live_server
):
    olivia = make_user("olivia")
    site = published(olivia, "olivia", "Olivia by the sea", "Morning swim #sea", "Waves #surf")
    oscar = make_user("oscar")
    other = published(oscar, "oscar", "Oscar's harbour", "Boats #sea #harbour")
    services.set_choices(site=other, listed=True, sensitive=False, recommend=True)

    # The owner ticks the box in the editor; it applies at once.
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("olivia")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/panel/")
    page.goto(f"/panel/sites/{site.pk}/")
    checkbox = unfold(page, "directory").get_by_label("List my site in the directory")
    assert not checkbox.is_checked()
    checkbox.check()
    page.get_by_role("button", name="Save directory choices").click()
    page.wait_for_url(re.compile(rf"/panel/sites/{site.pk}/\?open=directory#directory$"))
    assert page.get_by_label("List my site in the directory").is_checked()
    assert Site.objects.get(pk=site.pk).listed
    services.compute_similar()  # the periodic job

    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        tab = context.new_page()
        assert tab.goto("/explore/").status == 200
        assert tab.locator('a[href="/olivia/"]').count() == 1
        check(tab, "explore", size)

        tab.get_by_role("link", name=re.compile("#sea")).click()
        tab.wait_for_url("**/explore/tag/sea/")
        assert tab.locator('a[href="/olivia/"]').count() == 1
        check(tab, "tag", size)

        tab.get_by_label("Search sites").fill("olivia sea")
        tab.get_by_role("button", name="Search").click()
        tab.wait_for_url("**/explore/search/?q=olivia+sea")
        assert tab.locator('main a[href="/olivia/"]').count() == 1
        check(tab, "search", size)

        tab.goto("/olivia/")
        frame = tab.frame_locator("iframe.similar")
        frame.get_by_role("link", name="Oscar's harbour").wait_for()
        check(tab, "site-with-similar", size)
        frame.get_by_role("button", name="Hide similar sites").click()
        frame.get_by_text("You hid similar sites in this browser.").wait_for()
        tab.reload()
        tab.frame_locator("iframe.similar").get_by_text("You hid similar sites").wait_for()
        assert tab.frame_locator("iframe.similar").get_by_role("link").count() == 0
        context.close()

    # Switching off: gone from the directory at once.
    page.goto(f"/panel/sites/{site.pk}/")
    unfold(page, "directory").get_by_label("List my site in the directory").uncheck()
    page.get_by_role("button", name="Save directory choices").click()
    page.wait_for_url(re.compile(rf"/panel/sites/{site.pk}/\?open=directory#directory$"))
    page.goto("/explore/search/?q=olivia")
    assert page.locator('main a[href="/olivia/"]').count() == 0
