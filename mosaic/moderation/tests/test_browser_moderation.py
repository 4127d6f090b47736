"""What a visitor, a moderator and an owner click through (C7, P10): a visitor reports a photo,
moderation blocks the site, the site, its media and its clicks are gone for visitors at once,
and the owner sees why in the panel."""

from __future__ import annotations

import re

import pytest

from conftest import sign_in_browser
from mosaic.moderation.models import AbuseReport
from mosaic.photos.models import Variant
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]


@pytest.fixture(autouse=True)
def _reports_at_once(settings):
    settings.MODERATION_REPORT_MIN_SECONDS = 0


def test_p10_a_reported_photo_gets_its_site_blocked_everywhere_and_the_owner_sees_why(
    page, browser, live_server, owner, moderation_operator
):
    site = services.create_site(owner=owner.user, slug="olivia", title="Olivia's shop")
    post = make_post(owner.user, "Genuine watches, half price")
    site.links.create(label="Pay here", url="https://pay.example/")
    services.publish(site=site)
    site = Site.objects.get(pk=site.pk)
    click = f"/_m/c/{site.pk}/{site.links.get().key}/"
    variants = Variant.objects.filter(original__photos__post_items__post=post)
    photo_file = "/media/" + next(v.public_name for v in variants if v.public_name)
    assert page.request.get(photo_file).status == 200
    assert page.request.get(click, max_redirects=0).status == 302

    # A visitor reports the photo from its page, without JavaScript.
    page.goto(f"/olivia/p/{post.pk}/")
    page.get_by_role("link", name="Report").click()
    page.get_by_role("heading", name="Report a photo").wait_for()
    page.get_by_label("Spam or a scam").check()
    page.get_by_label("Anything we should know (optional)").fill("Fake watches, no delivery")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("your report is sent").wait_for()
    assert AbuseReport.objects.get().post_id == post.pk

    # Moderation works the queue and blocks the site.
    visitor_context = page.context
    moderator = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    tab = moderator.new_page()
    sign_in_browser(tab, moderation_operator)
    tab.goto("/operators/moderation/")
    tab.get_by_role("link", name=re.compile(r"\d+ \w+ 20\d\d")).first.click()
    tab.get_by_text("Fake watches, no delivery").wait_for()
    tab.get_by_label("Block the site").check()
    tab.get_by_label("Reason, shown to the owner").fill("A shop selling counterfeit watches")
    tab.get_by_role("button", name="Decide").click()
    tab.get_by_text("the owner is told why").wait_for()
    moderator.close()

    # Gone for visitors at once: pages, the photo file, the link's click, the sitemap.
    request = visitor_context.request
    assert request.get("/olivia/").status == 410
    assert request.get(f"/olivia/p/{post.pk}/").status == 410
    assert request.get(photo_file).status == 404
    assert request.get(click, max_redirects=0).status in (404, 410)
    assert "olivia" not in request.get("/sitemap.xml").text()

    # The owner sees why, and can appeal once.
    owner_context = browser.new_context(base_url=live_server.url)
    mine = owner_context.new_page()
    sign_in_browser(mine, owner)
    mine.goto("/panel/sites/")
    mine.get_by_text("Blocked by moderation").wait_for()
    mine.get_by_role("link", name="See why, and appeal").click()
    mine.get_by_text("A shop selling counterfeit watches").wait_for()
    mine.get_by_label("Why should we look again?").fill("The watches are genuine")
    mine.get_by_role("button", name="Send the appeal").click()
    mine.get_by_text("Your appeal is sent").wait_for()
    assert not mine.get_by_role("button", name="Send the appeal").count()
    owner_context.close()
