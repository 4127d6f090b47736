"""Collections as an owner and a visitor click through them (issue #20 item 7): the owner makes
one, adds and orders its photos, links it from the home page and publishes; a visitor on a
phone opens it from the home page in every theme, light and dark (and on a laptop).

Every page is checked with axe (WCAG 2.1 AA), must not scroll sideways, public pages carry no
script; screenshots land in ``var/screens/creator/`` beside the other creator features'.
"""

from __future__ import annotations

import re

import pytest

from conftest import make_user
from mosaic.websites import services
from mosaic.websites.models import Collection, Site
from mosaic.websites.tests.conftest import make_post
from mosaic.websites.tests.test_browser_creator import LAPTOP, THEMES, look, sign_in
from tests.browser import own_tab, unfold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]
CAPTIONS = ("Harbour at dawn", "Dune grass", "Night ferry", "Old lighthouse")


def in_order(texts: list[str]) -> list[str]:
    return [caption for text in texts for caption in CAPTIONS if caption in text]


def shown_captions(tab) -> list[str]:
    """The posts a page lists, in order, read from the panel's rows."""
    return in_order(tab.locator("main li").all_inner_texts())


def shown_photos(tab) -> list[str]:
    """The posts a public page shows, in order, read from its photos' alt text (the grid
    theme shows no captions)."""
    return in_order(tab.locator("main img").evaluate_all("images => images.map(i => i.alt)"))


def test_the_owner_makes_a_collection_and_a_visitor_opens_it_from_home(page, browser, live_server):
    user = make_user("olivia")
    for day, caption in enumerate(CAPTIONS):
        make_post(user, f"{caption} #sea", days=day)
    site = services.create_site(owner=user, slug="olivia", title="Olivia by the sea")
    services.publish(site=site)
    found: list[str] = []

    # A reserved name is refused with a message.
    with own_tab(browser, live_server) as other:
        sign_in(other)
        other.goto(f"/panel/sites/{site.pk}/collections/")
        other.get_by_label("Title").fill("New work")
        other.get_by_label("Name in the address (optional)").fill("new")
        other.get_by_role("button", name="Make the collection").click()
        other.get_by_text("“new” is reserved").wait_for()
        assert other.get_by_label("Title").input_value() == "New work"
        found += look(other, "collections-error")

    sign_in(page)
    page.goto(f"/panel/sites/{site.pk}/")
    unfold(page, "photos").get_by_role("link", name=re.compile("Collections: sets of")).click()
    page.get_by_role("heading", name="Collections", exact=True).wait_for()
    page.get_by_label("Title").fill("Summer by the sea")
    page.get_by_role("button", name="Make the collection").click()
    page.get_by_role("heading", name="Summer by the sea").wait_for()
    assert page.get_by_text("/olivia/c/summer-by-the-sea/").count() == 1
    for caption in ("Harbour at dawn", "Night ferry", "Old lighthouse"):
        page.get_by_role("checkbox", name=re.compile(caption)).check()
    page.get_by_role("button", name="Add the chosen photos").click()
    chosen = page.locator("#collection-posts li")
    chosen.nth(2).wait_for()
    # The photos page's order (newest first), then ↓ on the first and ↑ on the last.
    assert shown_captions(page) == [
        "Old lighthouse",
        "Night ferry",
        "Harbour at dawn",
        "Dune grass",
    ]
    chosen.nth(0).get_by_role("button", name="Move down").click()
    page.wait_for_url("**#entry-*")
    chosen.nth(2).get_by_role("button", name="Move up").click()
    page.wait_for_url("**#entry-*")
    assert in_order(page.locator("#collection-posts li").all_inner_texts()) == [
        "Night ferry",
        "Harbour at dawn",
        "Old lighthouse",
    ]
    found += look(page, "collection-owner")
    page.get_by_role("link", name="All collections").click()
    page.get_by_role("button", name=re.compile("Show on the home page")).click()
    page.get_by_text("On the home page", exact=True).wait_for()
    found += look(page, "collections-owner")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published").first.wait_for()
    assert Collection.objects.get(site=site).on_home

    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = visitor.new_page()
    for theme in THEMES:
        Site.objects.filter(pk=site.pk).update(theme=theme)
        services.publish(site=Site.objects.get(pk=site.pk))
        for scheme in ("light", "dark"):
            tab.emulate_media(color_scheme=scheme)
            tab.goto("/olivia/")
            found += look(tab, f"collection-home-{theme}-{scheme}", public=True)
            nav = tab.get_by_role("navigation", name="Collections")
            nav.get_by_role("link", name="Summer by the sea").click()
            tab.wait_for_url("**/olivia/c/summer-by-the-sea/")
            assert tab.get_by_role("heading", name="Summer by the sea").is_visible()
            assert shown_photos(tab) == ["Night ferry", "Harbour at dawn", "Old lighthouse"]
            assert tab.locator("main img[srcset]").count() >= 3
            found += look(tab, f"collection-{theme}-{scheme}", public=True)
        tab.emulate_media(color_scheme="light")
        tab.set_viewport_size(LAPTOP)
        tab.goto("/olivia/c/summer-by-the-sea/")
        found += look(tab, f"collection-{theme}-laptop", public=True)
        tab.set_viewport_size({"width": 390, "height": 844})
    visitor.close()
    page.set_viewport_size(LAPTOP)
    page.goto(f"/panel/sites/{site.pk}/collections/")
    found += look(page, "collections-owner-laptop")
    page.get_by_role("link", name="Summer by the sea").first.click()
    found += look(page, "collection-owner-laptop")
    assert found == []
