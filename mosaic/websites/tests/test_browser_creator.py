"""Creator features as an owner and a visitor click through them, on a phone (390x844), in every
theme, with the panel pages at a laptop size too: scheduled link buttons (each start and end
republished by the scheduler), alt text, and photo links.

Each page is checked with axe (WCAG 2.1 AA), must not scroll sideways, public pages carry no
script, and screenshots land in ``var/screens/creator/`` for review.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from conftest import PASSWORD, make_user
from mosaic.jobs.models import Schedule
from mosaic.jobs.registry import registered_jobs
from mosaic.jobs.services import enqueue_due_jobs
from mosaic.websites import services
from mosaic.websites.models import Site, SiteLink
from mosaic.websites.tests.conftest import make_post
from tests.browser import SCREENS as ALL_SCREENS
from tests.browser import WCAG_AA, own_tab, unfold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]
SCREENS = ALL_SCREENS / "creator"
THEMES = ("grid", "feed", "magazine")
LAPTOP = {"width": 1366, "height": 900}


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("olivia")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/panel/")


def look(page, name: str, *, public: bool = False) -> list[str]:
    """Screenshot the page open in ``page`` and return what is wrong with it."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{name}.png", full_page=True)
    found = []
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        found.append(f"{name}: scrolls sideways ({width[0]} px in {width[1]})")
    if public and page.locator("script:not([type='application/ld+json'])").count():
        found.append(f"{name}: a public page carries a script")
    results = Axe().run(page, options=WCAG_AA)
    found += [
        f"{name}: axe {v['id']}: {v['nodes'][0]['html'][:100]}"
        for v in results.response["violations"]
    ]
    return found


def run_scheduler() -> None:
    enqueue_due_jobs(jobs=[j for j in registered_jobs() if j.name == "websites.scheduled_links"])


def test_a_scheduled_link_appears_and_goes_in_every_theme(page, browser, live_server):
    user = make_user("olivia")
    for day in range(3):
        make_post(user, f"Day {day} by the sea #sea", days=day)
    site = services.create_site(owner=user, slug="olivia", title="Olivia by the sea")
    services.add_link(site=site, label="My shop", url="https://shop.example/")
    services.publish(site=site)
    berlin = ZoneInfo("Europe/Berlin")
    # Whole minutes, in the owner's zone, comfortably ahead of now.
    start = (
        (timezone.now() + dt.timedelta(hours=2)).astimezone(berlin).replace(second=0, microsecond=0)
    )
    end = start + dt.timedelta(hours=3)
    found: list[str] = []

    sign_in(page)
    page.goto(f"/panel/sites/{site.pk}/")
    unfold(page, "settings")
    page.get_by_label("Time zone for scheduled links").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Settings saved").wait_for()

    # A start after the end is refused with a message, and nothing typed is lost.
    with own_tab(browser, live_server) as other:
        sign_in(other)
        other.goto(f"/panel/sites/{site.pk}/")
        unfold(other, "links")
        other.locator("#id_label").fill("Summer sale")
        other.locator("#id_url").fill("https://shop.example/sale")
        # The schedule is folded away until it is opened.
        assert not other.locator("#id_starts_at").is_visible()
        other.locator("details.link-schedule-fields:has(#id_starts_at) > summary").click()
        other.locator("#id_starts_at").fill(end.strftime("%Y-%m-%dT%H:%M"))
        other.locator("#id_ends_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
        other.get_by_role("button", name="Add the link").click()
        other.get_by_text("The end must be after the start").wait_for()
        assert other.locator("#id_label").input_value() == "Summer sale"
        assert other.locator("#id_starts_at").input_value() == end.strftime("%Y-%m-%dT%H:%M")
        found += look(other, "scheduled-link-error")

    unfold(page, "links")
    page.locator("#id_label").fill("Summer sale")
    page.locator("#id_url").fill("https://shop.example/sale")
    page.locator("details.link-schedule-fields:has(#id_starts_at) > summary").click()
    page.locator("#id_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_ends_at").fill(end.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Add the link").click()
    page.get_by_text(re.compile("Scheduled: shows from")).wait_for()
    assert SiteLink.objects.get(label="Summer sale").starts_at == start
    found += look(page, "scheduled-link-editor")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published").first.wait_for()

    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = visitor.new_page()
    tab.goto("/olivia/")
    assert tab.get_by_role("link", name="My shop").count() == 1
    assert tab.get_by_role("link", name="Summer sale").count() == 0

    for theme in THEMES:
        Site.objects.filter(pk=site.pk).update(theme=theme)
        services.publish(site=Site.objects.get(pk=site.pk))
        with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
            run_scheduler()
            tab.goto("/olivia/")
            sale = tab.get_by_role("link", name="Summer sale")
            assert sale.count() == 1, theme
            href = sale.get_attribute("href") or ""
            assert re.fullmatch(r"/_m/c/\d+/[A-Za-z0-9_-]{22}/", href)
            found += look(tab, f"scheduled-link-live-{theme}", public=True)
        with time_machine.travel(end + dt.timedelta(seconds=50), tick=False):
            run_scheduler()
            tab.goto("/olivia/")
            assert tab.get_by_role("link", name="Summer sale").count() == 0, theme
            assert tab.get_by_role("link", name="My shop").count() == 1
        # Back to now for the next theme: the scheduler's clock starts afresh too.
        Schedule.objects.filter(name="websites.scheduled_links").delete()
    visitor.close()

    page.goto(f"/panel/sites/{site.pk}/")
    unfold(page, "links").get_by_text(re.compile("Scheduled: shows from")).wait_for()
    page.set_viewport_size(LAPTOP)
    found += look(page, "scheduled-link-editor-laptop")
    assert found == []


def test_the_owner_writes_alt_text_and_every_theme_uses_it(page, browser, live_server):
    user = make_user("olivia")
    boats = make_post(user, "Boats in the harbour. We sailed at noon #sea", photos=2, days=2)
    for day in range(2):
        make_post(user, f"Day {day} by the sea", days=day)
    site = services.create_site(owner=user, slug="olivia", title="Olivia by the sea")
    services.publish(site=site)
    first = boats.items.order_by("position")[0]
    found: list[str] = []

    sign_in(page)
    page.goto(f"/panel/sites/{site.pk}/posts/")
    page.get_by_role("link", name=re.compile("Alt text: describe your photos")).click()
    page.get_by_role("heading", name="Alt text of your photos").wait_for()
    # Pre-filled from the caption, and marked so.
    box = page.locator(f"#alt-{first.pk}-text")
    assert box.input_value() == "Boats in the harbour."
    assert page.get_by_text("From caption").count() == 4
    found += look(page, "alt-text-list")
    box.fill("Two red fishing boats moored at a stone quay")
    page.locator(f"#photo-{first.pk}").get_by_role("button", name="Save the alt text").click()
    page.get_by_text("Alt text saved").wait_for()
    # It leaves the list of photos without the owner's alt text; the page is back at the next.
    assert page.locator(f"#photo-{first.pk}").count() == 0
    assert page.locator(".alt-item").count() == 3
    assert re.search(r"#photo-\d+$", page.url)
    found += look(page, "alt-text-missing")
    page.get_by_role("link", name="All photos").click()
    # The click only starts the navigation: wait for the new page before counting on it.
    page.wait_for_url(f"**/panel/sites/{site.pk}/alt/")
    assert page.locator(f"#photo-{first.pk}").get_by_text("Written by you").count() == 1

    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = visitor.new_page()
    for theme in THEMES:
        Site.objects.filter(pk=site.pk).update(theme=theme)
        services.publish(site=Site.objects.get(pk=site.pk))
        tab.goto("/olivia/")
        assert tab.get_by_role("img", name="Two red fishing boats moored at a stone quay").count()
        found += look(tab, f"alt-text-home-{theme}", public=True)
        tab.goto(f"/olivia/p/{boats.pk}/")
        assert tab.locator("img[alt='Two red fishing boats moored at a stone quay']").count() == 1
        assert tab.locator("img[alt='Boats in the harbour. (2/2)']").count() == 1
        found += look(tab, f"alt-text-post-{theme}", public=True)
    visitor.close()
    page.set_viewport_size(LAPTOP)
    page.goto(f"/panel/sites/{site.pk}/alt/")
    found += look(page, "alt-text-list-laptop")
    assert found == []


def test_a_photo_link_shows_on_its_page_and_marks_the_grid(page, browser, live_server):
    user = make_user("olivia")
    scarf = make_post(user, "Blue scarf, hand knitted #knit", days=3)
    for day in range(3):
        make_post(user, f"Day {day} at the studio", days=day)
    site = services.create_site(owner=user, slug="olivia", title="Olivia knits")
    services.publish(site=site)
    found: list[str] = []

    # A bad address is refused with a message, and what was typed stays.
    with own_tab(browser, live_server) as other:
        sign_in(other)
        other.goto(f"/panel/sites/{site.pk}/photo-links/{scarf.pk}/")
        other.get_by_label("Address").fill("javascript:alert(1)")
        other.get_by_label("Button text (optional)").fill("Buy the scarf")
        other.get_by_role("button", name="Save the link").click()
        other.get_by_text("Links must start with").wait_for()
        assert other.get_by_label("Button text (optional)").input_value() == "Buy the scarf"
        found += look(other, "photo-link-error")

    sign_in(page)
    page.goto(f"/panel/sites/{site.pk}/posts/")
    page.locator(f"#post-{scarf.pk}").get_by_role("link", name=re.compile("Add a link")).click()
    page.get_by_role("heading", name="Link for a photo").wait_for()
    found += look(page, "photo-link-form")
    page.get_by_label("Address").fill("https://shop.example/scarf")
    page.get_by_label("Button text (optional)").fill("Buy the scarf")
    page.get_by_role("button", name="Save the link").click()
    page.locator(f"#post-{scarf.pk}").get_by_text("Linked").wait_for()
    found += look(page, "photo-link-photos-page")
    page.goto(f"/panel/sites/{site.pk}/")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published").first.wait_for()

    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = visitor.new_page()
    for theme in THEMES:
        Site.objects.filter(pk=site.pk).update(theme=theme)
        services.publish(site=Site.objects.get(pk=site.pk))
        tab.goto("/olivia/")
        card = tab.locator(f"li[data-post='{scarf.pk}']")
        assert card.locator(".mark-link").is_visible()
        assert tab.locator(".mark-link").count() == 1
        found += look(tab, f"photo-link-home-{theme}", public=True)
        card.get_by_role("link").click()
        button = tab.get_by_role("link", name="Buy the scarf")
        href = button.get_attribute("href") or ""
        assert re.fullmatch(rf"/_m/c/{site.pk}/[A-Za-z0-9_-]{{22}}/", href)
        click = tab.request.get(href, max_redirects=0)
        assert click.status == 302
        assert click.headers["location"] == "https://shop.example/scarf"
        found += look(tab, f"photo-link-post-{theme}", public=True)
    visitor.close()
    page.set_viewport_size(LAPTOP)
    page.goto(f"/panel/sites/{site.pk}/photo-links/{scarf.pk}/")
    found += look(page, "photo-link-form-laptop")
    assert found == []
