"""Drag and drop in a real browser: the order a person drags is the order saved (issue #13)."""

from __future__ import annotations

import pytest

from conftest import make_user
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post
from mosaic.websites.tests.test_browser_sites import sign_in
from tests.browser import unfold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]


def drag(page, source, target) -> None:
    """Press on ``source``, move in small steps to just above ``target``, release: what a
    finger or a mouse does (SortableJS listens to pointer events)."""
    target.scroll_into_view_if_needed()
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    assert start
    assert end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 2, steps=20)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 1, steps=5)
    page.mouse.up()


def test_dragging_a_link_and_a_photo_saves_the_new_order(page):
    user = make_user("olivia")
    posts = [make_post(user, f"Day {day}", days=day) for day in range(4)]
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    for label in ("Shop", "Newsletter", "Book"):
        services.add_link(site=site, label=label, url=f"https://{label.lower()}.example/")
    sign_in(page)
    page.emulate_media(reduced_motion="reduce")  # no animation: items are where they are drawn
    page.set_viewport_size({"width": 1280, "height": 1600})  # nothing scrolls during a drag

    page.goto(f"/panel/sites/{site.pk}/")
    links = unfold(page, "links").locator(".site-links > li")
    with page.expect_response(lambda r: r.url.endswith("/links/order/")) as saved:
        drag(page, links.nth(2).locator(".drag-handle"), links.nth(0))
    assert saved.value.status == 204
    assert list(site.links.order_by("position").values_list("label", flat=True)) == [
        "Book",
        "Shop",
        "Newsletter",
    ]
    page.get_by_text("Order saved (draft).").wait_for(state="attached")

    page.goto(f"/panel/sites/{site.pk}/posts/")
    rows = page.locator(".site-posts > li")
    with page.expect_response(lambda r: r.url.endswith("/posts/order/")) as saved:
        drag(page, rows.nth(3).locator(".drag-handle"), rows.nth(0))
    assert saved.value.status == 204
    # Newest first before: 3, 2, 1, 0; the oldest dragged to the top.
    order = [post.pk for post in services.posts_for_editor(Site.objects.get(pk=site.pk))]
    assert order == [posts[0].pk, posts[3].pk, posts[2].pk, posts[1].pk]
