from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
from mosaic.posts.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POSTS = 9


def sign_in(page, persona, live_server) -> None:
    cookie = persona.client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def small_feed(stand_in, settings):
    stand_in.state.posts_per_account = POSTS
    stand_in.state.photo_size = 96
    settings.PHOTOS_WIDTHS = (64,)
    return stand_in


def test_p02_an_owner_connects_instagram_on_instagrams_page_and_sees_the_import_finish(
    page, live_server, owner, small_feed, settings
):
    settings.SITE_URL = live_server.url
    sign_in(page, owner, live_server)
    page.goto("/panel/instagram/")
    page.get_by_role("link", name="Connect Instagram").click()

    page.wait_for_url(f"{small_feed.base_url}/oauth/authorize?**")
    assert page.locator("input[type=password]").count() == 0
    page.get_by_label("Instagram username").fill("olivia.makes")
    # "Allow" returns through our callback, which runs the first import before it answers (the
    # tests' task backend is immediate): the click waits for that navigation, as long as the
    # URL below may take, not the default 10 s (it timed out under a load of 15 on 2 cores).
    page.get_by_role("button", name="Allow").click(timeout=30_000)

    # The browser keeps Instagram's "#_" fragment through our redirect, as with the real thing.
    page.wait_for_url(f"{live_server.url}/panel/instagram/#_", timeout=30_000)
    assert page.locator(".instagram-status").inner_text() == "Connected to @olivia.makes."
    assert InstagramConnection.objects.get(user=owner.user).username == "olivia.makes"

    # The first import ran when connecting: the bar is at its end and the posts are listed.
    bar = page.locator("progress.import-bar")
    expect(bar).to_have_attribute("value", str(POSTS))
    expect(bar).to_have_attribute("max", str(POSTS))
    expect(page.locator(".import-count")).to_have_text(f"{POSTS} of {POSTS} posts")
    expect(page.locator(".import-posts")).to_have_attribute("data-count", str(POSTS))
    expect(page.locator(".import-post")).to_have_count(POSTS)

    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_text("Syncing with Instagram.")).to_be_visible()
    expect(page.locator(".import-state")).to_have_text("Done")
    assert Post.objects.filter(owner=owner.user).count() == POSTS

    page.get_by_role("button", name="Disconnect Instagram").click()
    page.get_by_role("link", name="Connect Instagram").wait_for()
    assert not InstagramConnection.objects.exists()
    assert not Post.objects.exists()  # P05: the posts imported through the API go with it


def test_the_progress_bar_follows_a_running_import_live(page, live_server, owner):
    run = ImportRun.objects.create(
        user=owner.user, kind=ImportRun.Kind.ARCHIVE, state=ImportRun.State.RUNNING, total=40
    )
    ImportRun.objects.filter(pk=run.pk).update(done=10)
    sign_in(page, owner, live_server)
    page.goto("/panel/instagram/")
    expect(page.locator(".import-count")).to_have_text("10 of 40 posts")

    with page.expect_request(re.compile(r"/panel/instagram/progress/$")):
        ImportRun.objects.filter(pk=run.pk).update(done=25)
    expect(page.locator(".import-count")).to_have_text("25 of 40 posts")
    expect(page.locator("progress.import-bar")).to_have_attribute("value", "25")

    ImportRun.objects.filter(pk=run.pk).update(done=40, state=ImportRun.State.COMPLETED)
    expect(page.locator(".import-state")).to_have_text("Done")
    expect(page.locator("#import-progress")).not_to_have_attribute("hx-get", re.compile(".*"))
