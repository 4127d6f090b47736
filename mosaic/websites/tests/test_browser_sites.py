"""What an owner clicks through: create, preview, publish, themes, visibility, export (C4)."""

from __future__ import annotations

import re
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD, make_user
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post
from tests.browser import WCAG_AA, unfold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("olivia")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/panel/")


def no_scripts(page) -> None:
    assert page.locator("script:not([type='application/ld+json'])").count() == 0


LOAD_EVERY_IMAGE = """async () => {
  for (const image of document.images) {
    image.scrollIntoView();
    if (!image.complete || !image.naturalWidth) {
      await new Promise(done => {
        image.addEventListener("load", done); image.addEventListener("error", done);
        setTimeout(done, 5000);
      });
    }
  }
  return [...document.images].filter(i => !i.naturalWidth).map(i => i.currentSrc || i.src);
}"""


def images_loaded(page) -> None:
    """Every image (lazy ones scrolled to) loads, and each reserves its space."""
    assert page.evaluate(LOAD_EVERY_IMAGE) == []
    for image in page.locator("main img").all():
        assert image.get_attribute("width")
        assert image.get_attribute("height")


def test_create_preview_publish_view_each_theme_change_visibility_and_export(
    page, browser, live_server, tmp_path
):
    user = make_user("olivia")
    make_post(user, "Morning swim #sea", photos=2, days=0)
    make_post(user, "Harbour at night #sea #night", video=True, days=1)
    for day in range(2, 12):
        make_post(user, f"Day {day} by the water", days=day)
    sign_in(page)

    page.goto("/panel/sites/")
    page.get_by_label("Address").fill("olivia")
    page.locator("#id_title").fill("Olivia by the sea")
    page.get_by_role("button", name="Create the site").click()
    page.wait_for_url(re.compile(r"/panel/sites/\d+/\?open=design#design$"))
    preview = page.frame_locator("iframe.phone-frame")
    preview.get_by_role("heading", name="Olivia by the sea").wait_for()

    # Nothing at the address before the first publish, and the editor says so.
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = visitor.new_page()
    assert tab.goto("/olivia/").status == 404
    page.get_by_text("Not published yet").wait_for()
    page.get_by_role("button", name="Publish for the first time").click()
    tab.goto("/olivia/")
    assert tab.get_by_role("heading", level=1).inner_text() == "Olivia by the sea"

    # A draft: the preview changes, the live site does not until "Publish".
    unfold(page, "design")
    page.locator("#id_title").fill("Olivia & the sea")
    page.get_by_label("Feed").check()
    page.get_by_role("button", name="Save draft").click()
    page.frame_locator("iframe.phone-frame").get_by_role(
        "heading", name="Olivia & the sea"
    ).wait_for()
    tab.goto("/olivia/")
    assert tab.get_by_role("heading", level=1).inner_text() == "Olivia by the sea"
    page.get_by_role("button", name="Publish", exact=True).click()
    tab.goto("/olivia/")
    assert tab.get_by_role("heading", level=1).inner_text() == "Olivia & the sea"

    # Link buttons.
    unfold(page, "links")
    page.get_by_label("Label").fill("My shop")
    page.locator("#id_url").fill("https://shop.example/")
    page.get_by_role("button", name="Add the link").click()
    page.get_by_text("https://shop.example/").wait_for()

    for theme in ("Grid", "Feed", "Magazine"):
        unfold(page, "design")
        page.get_by_label(theme).check()
        page.get_by_role("button", name="Save draft").click()
        page.get_by_role("button", name="Publish").click()
        tab.goto("/olivia/")
        assert f"theme-{theme.lower()}" in tab.locator("body").get_attribute("class")
        # The button counts the click (mosaic.stats), then leads to the owner's address.
        href = tab.get_by_role("link", name="My shop").get_attribute("href") or ""
        assert re.fullmatch(r"/_m/c/\d+/[A-Za-z0-9_-]{22}/", href)
        click = tab.request.get(href, max_redirects=0)
        assert click.status == 302
        assert click.headers["location"] == "https://shop.example/"
        no_scripts(tab)
        images_loaded(tab)
        tab.get_by_role("link", name=re.compile("Harbour at night")).first.click()
        tab.get_by_role("heading", name="Harbour at night #sea #night").wait_for()
        assert tab.locator("video[poster]").count() == 1
        tab.get_by_role("link", name="#night").click()
        tab.get_by_role("heading", name="#night").wait_for()

    # Private: the owner still sees it, a visitor gets 404 for pages and images.
    unfold(page, "settings")
    page.get_by_label("Private: only you").check()
    page.get_by_role("button", name="Save settings").click()
    page.goto("/olivia/")
    images_loaded(page)
    image = page.locator("main img").first.get_attribute("src")
    assert "/_media/" in image
    assert tab.goto("/olivia/").status == 404
    assert tab.goto(image).status == 404
    visitor.close()

    # Export: a ZIP that works opened from disk.
    page.goto(f"/panel/sites/{Site.objects.get().pk}/")
    with page.expect_download() as download:
        unfold(page, "download").get_by_role("link", name="Download the site as a ZIP").click()
    archive = tmp_path / "site.zip"
    download.value.save_as(archive)
    zipfile.ZipFile(archive).extractall(tmp_path / "unzipped")
    local = browser.new_context(viewport={"width": 390, "height": 844})
    disk = local.new_page()
    failed: list[str] = []
    disk.on("requestfailed", lambda request: failed.append(request.url))
    disk.goto((tmp_path / "unzipped" / "olivia" / "index.html").as_uri())
    images_loaded(disk)
    disk.get_by_role("link", name=re.compile("Morning swim")).first.click()
    disk.wait_for_url(re.compile(r"/p/\d+/index\.html$"))
    images_loaded(disk)
    disk.get_by_role("link", name="Olivia & the sea").first.click()
    disk.wait_for_url(re.compile(r"/olivia/index\.html$"))
    local.close()
    assert failed == []


@pytest.mark.parametrize("theme", ["grid", "feed", "magazine"])
def test_every_theme_passes_axe_in_light_and_dark(browser, live_server, theme):
    user = make_user("olivia")
    for day in range(4):
        make_post(user, f"Day {day} #sea", days=day, photos=2 if day == 0 else 1)
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    site.theme = theme
    site.bio = "Photos from the coast."
    site.save(update_fields=["theme", "bio"])
    services.add_link(site=site, label="Shop", url="https://shop.example/")
    services.publish(site=site)
    post = user.posts.all()[0]
    found = []
    for scheme in ("light", "dark"):
        context = browser.new_context(
            base_url=live_server.url, color_scheme=scheme, viewport={"width": 390, "height": 844}
        )
        tab = context.new_page()
        for path in ("/olivia/", f"/olivia/p/{post.pk}/", "/olivia/t/sea/"):
            tab.goto(path)
            results = Axe().run(tab, options=WCAG_AA)
            found += [
                f"{scheme} {path}: {v['id']}: {v['nodes'][0]['html'][:100]}"
                for v in results.response["violations"]
            ]
        context.close()
    assert found == []
