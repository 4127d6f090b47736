"""No layout shift in any theme: every image holds its space before a byte of it arrives
(Lighthouse counted a shift on the magazine theme's lead photo, issue #13)."""

from __future__ import annotations

import pytest

from conftest import make_user
from mosaic.websites import services
from mosaic.websites.tests.conftest import make_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]

# The box of every image in the page, laid out while no image has loaded.
BOXES = """() => [...document.querySelectorAll("main img")].map((img) => {
  const box = img.getBoundingClientRect();
  return {src: img.currentSrc || img.src, width: box.width, height: box.height};
})"""


@pytest.mark.parametrize("theme", ["grid", "feed", "magazine"])
def test_every_image_reserves_its_space_before_it_loads(browser, live_server, theme):
    user = make_user("olivia")
    for day in range(5):
        make_post(user, f"Day {day} #sea", days=day)
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    site.theme = theme
    site.save(update_fields=["theme"])
    services.publish(site=site)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route("**/*.{jpg,jpeg,webp,png,avif}", lambda route: route.abort())
    page.goto("/olivia/")
    boxes = page.evaluate(BOXES)
    context.close()

    assert len(boxes) == 5
    empty = [box for box in boxes if box["width"] < 50 or box["height"] < 50]
    assert empty == [], f"{theme}: images without reserved space: {empty}"
