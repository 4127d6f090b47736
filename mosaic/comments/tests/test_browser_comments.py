"""What an owner and a commenter click through (C10, P22, P08): the owner holds comments for
approval; a member signs in, opens a photo page, follows "Write a comment", confirms the notice
that shows their name, comments; the owner approves (it is on the rebuilt page), holds another
and blocks the commenter; the commenter deletes their account and the comment is gone from the
rebuilt page. Then the photo page in every theme, and each new page, at a phone and a laptop
size: axe finds nothing, nothing scrolls sideways, no script; screenshots in var/screens."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone

from conftest import PASSWORD, make_user
from mosaic.accounts.models import User
from mosaic.comments.models import Comment, CommenterBlock
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post
from tests.browser import SCREENS, SIZES, WCAG_AA, unfold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]


def check(tab, name: str, size: str, max_height: int = 4000) -> None:
    """axe finds nothing, no sideways scroll, no script, a bounded height; a screenshot."""
    violations = Axe().run(tab, options=WCAG_AA).response["violations"]
    assert violations == [], [(v["id"], v["nodes"][0]["html"][:120]) for v in violations]
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    assert tab.evaluate("document.documentElement.scrollHeight") <= max_height, name
    folder = SCREENS / size
    folder.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(folder / f"comments-{name}.png"), full_page=True)


def sign_in(tab, username: str) -> None:
    tab.locator("#id_login").fill(username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    tab.wait_for_load_state()


def test_p22_p08_comment_after_the_notice_moderate_block_and_delete_the_account(
    page, browser, live_server
):
    olivia = make_user("olivia")
    post = make_post(olivia, "Harbour at dawn")
    site = websites.create_site(owner=olivia, slug="olivia", title="Olivia by the sea")
    websites.publish(site=site)
    cora = make_user("cora")
    cora.display_name = "Cora Mill"
    cora.save(update_fields=["display_name"])
    photo_page = f"/olivia/p/{post.pk}/"

    # 1. The owner allows comments, held for approval, in the site editor.
    owner_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    owner_tab = owner_context.new_page()
    owner_tab.goto("/accounts/login/")
    sign_in(owner_tab, "olivia")
    owner_tab.goto(f"/panel/sites/{site.pk}/")
    section = unfold(owner_tab, "comments")
    section.get_by_label("Comments wait for my approval").check()
    section.get_by_role("button", name="Save comment settings").click()
    owner_tab.get_by_text("Comment settings saved").wait_for()
    (SCREENS / "laptop").mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENS / "laptop" / "comments-editor-section.png"))

    # 2. A member signs in, opens the photo page and follows "Write a comment".
    page.goto("/accounts/login/")
    sign_in(page, "cora")
    page.goto(photo_page)
    assert page.locator("script:not([type='application/ld+json'])").count() == 0
    page.get_by_role("link", name="Write a comment").click()
    page.get_by_role("heading", name="Before your first comment").wait_for()
    assert page.locator(".comment-identity").inner_text().strip().endswith("Cora Mill")
    check(page, "notice", "phone")
    page.get_by_role("button", name=re.compile("I understand")).click()
    page.get_by_role("heading", name="Write a comment").wait_for()
    check(page, "write", "phone")
    page.get_by_label("Your comment").fill("What a light!\nWhere is this?")
    page.get_by_role("button", name="Send the comment").click()
    page.get_by_text("once they approve it").wait_for()
    check(page, "sent", "phone")
    page.goto(photo_page)
    assert "What a light!" not in page.content()  # held

    # 3. The owner approves: the rebuilt page shows it, with the name and line breaks.
    owner_tab.goto(f"/panel/sites/{site.pk}/comments/")
    owner_tab.get_by_text("What a light!").wait_for()
    check(owner_tab, "moderation", "laptop")
    owner_tab.get_by_role("button", name="Approve").click()
    owner_tab.get_by_text("Approved").wait_for()
    page.goto(photo_page)
    comment = page.locator(".comment").first
    assert "Cora Mill" in comment.inner_text()
    assert comment.locator(".comment-text").inner_html() == "What a light!<br>Where is this?"
    check(page, "photo-page", "phone")

    # 4. Another comment is held; the owner blocks the commenter from all their sites.
    page.get_by_role("link", name="Write a comment").click()
    page.get_by_label("Your comment").fill("Buy my presets at presets.example")
    page.get_by_role("button", name="Send the comment").click()
    page.get_by_text("once they approve it").wait_for()
    owner_tab.goto(f"/panel/sites/{site.pk}/comments/")
    held = owner_tab.locator("li", has_text="Buy my presets")
    held.get_by_role("button", name="Block this person").click()
    owner_tab.get_by_text("can no longer comment").wait_for()
    assert CommenterBlock.objects.filter(owner=olivia, commenter=cora).exists()
    assert Comment.objects.get(text__startswith="Buy").status == "hidden"
    refused = page.request.get(f"/comments/{site.pk}/{post.pk}/new/")  # 403: not navigated
    assert refused.status == 403
    assert "does not take comments from you" in refused.text()

    # 5. The commenter deletes her account: the comment leaves the page at once...
    page.goto("/comments/mine/")
    check(page, "mine", "phone")
    page.goto("/panel/data/delete-account/")
    if "/accounts/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    page.get_by_label("Type your username to confirm").fill("cora")
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_load_state()
    page.goto(photo_page)
    assert "What a light!" not in page.content()
    # ...and from the database, and every rebuilt page, after the quarantine.
    with time_machine.travel(timezone.now() + dt.timedelta(days=181)):
        call_command("privacy_sweep", stdout=io.StringIO())
    assert not User.objects.filter(username="cora").exists()
    assert not Comment.objects.exists()
    websites.publish(site=Site.objects.get(pk=site.pk))
    page.goto(photo_page)
    assert "What a light!" not in page.content()
    owner_context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_comments_on_a_photo_page_in_every_theme(browser, live_server, size):
    olivia = make_user("olivia")
    post = make_post(olivia, "Harbour at dawn")
    site = websites.create_site(owner=olivia, slug="olivia", title="Olivia by the sea")
    websites.publish(site=site)
    from mosaic.comments import services

    services.set_mode(site=site, mode="at-once")
    for name, text in (
        ("Cora Mill", "What a light!\nWhere is this?"),
        ("Дарья Ковалёва", "Очень красиво, " + "долгоедлинноеслово" * 6),
    ):
        user = make_user(f"u{len(name)}")
        user.display_name = name
        user.save(update_fields=["display_name"])
        services.acknowledge_notice(user=user)
        services.post_comment(user=user, site=Site.objects.get(pk=site.pk), post=post, text=text)
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    tab = context.new_page()
    for theme in Site.Theme.values:
        Site.objects.filter(pk=site.pk).update(theme=theme)
        websites.publish(site=Site.objects.get(pk=site.pk))
        tab.goto(f"/olivia/p/{post.pk}/")
        assert tab.locator(".comment").count() == 2
        assert tab.locator("script:not([type='application/ld+json'])").count() == 0
        check(tab, f"photo-{theme}", size, max_height=4000)
    context.close()
