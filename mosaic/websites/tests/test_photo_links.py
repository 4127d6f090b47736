"""Photo links: one outside link per post on a site (draft until "Publish"), a button on the
photo page, a mark on the card, clicks counted through the link buttons' safe redirect."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine

from mosaic.stats.models import DailyCount
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import _own_buffer, browser_client  # noqa: F401 (fixture)
from mosaic.websites import services
from mosaic.websites.models import SitePost
from mosaic.websites.privacy import SiteData
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
    return site


@pytest.fixture
def post(owner, commit):
    with commit():
        return make_post(owner.user, "Blue scarf, hand knitted")


def link_page(site, post) -> str:
    return f"/panel/sites/{site.pk}/photo-links/{post.pk}/"


def publish(site, commit) -> None:
    site.refresh_from_db()
    with commit():
        services.publish(site=site)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Links must start with"),
        ("//evil.example/", "Links must start with"),
        ("https://exa mple.com", "cannot contain spaces"),
        ("", "This field is required"),
    ],
)
def test_it_refuses_a_bad_address_and_keeps_what_was_typed(owner, site, post, url, message):
    response = owner.client.post(link_page(site, post), {"url": url, "label": "Buy it"})
    assert response.status_code == 400
    html = body(response)
    assert message in html
    assert 'value="Buy it"' in html
    assert not SitePost.objects.filter(site=site).exclude(link_url="").exists()


def test_a_photo_link_is_a_draft_then_a_counted_button_and_a_mark(
    owner, site, post, visitor, commit
):
    response = owner.client.post(link_page(site, post), {"url": "shop.example/scarf"})
    assert response.status_code == 302
    choice = SitePost.objects.get(site=site, post=post)
    assert choice.link_url == "https://shop.example/scarf"  # completed like link buttons
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", choice.link_key)
    # A draft: the live photo page does not have it yet; the editor says so.
    assert "shop.example" not in body(visitor.get(f"/olivia/p/{post.pk}/"))
    assert "Linked" in body(owner.client.get(f"/panel/sites/{site.pk}/posts/"))

    publish(site, commit)
    page = body(visitor.get(f"/olivia/p/{post.pk}/"))
    click = f"/_m/c/{site.pk}/{choice.link_key}/"
    assert f'<a class="link-button" href="{click}" rel="noopener nofollow">shop.example</a>' in (
        page
    )
    home = body(visitor.get("/olivia/"))
    assert 'class="mark mark-link"' in home
    assert "(with a link)" in home

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        answer = browser_client().get(click)
        assert answer.status_code == 302
        assert answer["Location"] == "https://shop.example/scarf"
        flush()
        report = owner.client.get(f"/panel/stats/{site.pk}/").context["report"]
    counted = DailyCount.objects.filter(site=site, kind="click", dimension="link")
    assert list(counted.values_list("key", "count")) == [(f"-{post.pk}", 1)]
    assert [(row.label, row.count) for row in report.links] == [("Photo link", 1)]

    # A forged key, or another post's id, leads nowhere.
    assert browser_client().get(f"/_m/c/{site.pk}/{'x' * 22}/").status_code == 404


def test_the_button_text_can_be_chosen_and_the_export_links_straight(owner, site, post, commit):
    owner.client.post(
        link_page(site, post), {"url": "https://shop.example/scarf", "label": "Buy the scarf"}
    )
    publish(site, commit)
    export = owner.client.get(f"/panel/sites/{site.pk}/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
    page = archive.read(f"olivia/p/{post.pk}/index.html").decode()
    assert 'href="https://shop.example/scarf" rel="noopener nofollow">Buy the scarf</a>' in page
    assert "/_m/c/" not in page  # the owner's copy counts nothing
    assert "mark-link" in archive.read("olivia/index.html").decode()


@pytest.mark.parametrize("theme", ["grid", "feed", "magazine"])
def test_every_theme_shows_the_button_and_the_mark(owner, site, post, visitor, commit, theme):
    owner.client.post(link_page(site, post), {"url": "https://shop.example/scarf"})
    site.theme = theme
    site.save(update_fields=["theme"])
    publish(site, commit)
    assert "mark-link" in body(visitor.get("/olivia/"))
    assert ">shop.example</a>" in body(visitor.get(f"/olivia/p/{post.pk}/"))


def test_removing_the_link_takes_it_off_at_the_next_publish(owner, site, post, visitor, commit):
    owner.client.post(link_page(site, post), {"url": "https://shop.example/scarf"})
    publish(site, commit)
    key = SitePost.objects.get(site=site, post=post).link_key
    response = owner.client.post(link_page(site, post), {"remove": "1"})
    assert response.status_code == 302
    assert "shop.example" in body(visitor.get(f"/olivia/p/{post.pk}/"))  # still the draft
    publish(site, commit)
    assert "shop.example" not in body(visitor.get(f"/olivia/p/{post.pk}/"))
    assert "mark-link" not in body(visitor.get("/olivia/"))
    assert browser_client().get(f"/_m/c/{site.pk}/{key}/").status_code == 404


def test_nobody_else_can_set_a_link_on_an_owners_photo(owner, other_owner, site, post):
    theirs = services.create_site(owner=other_owner.user, slug="oscar", title="Oscar")
    data = {"url": "https://evil.example/"}
    assert other_owner.client.post(link_page(site, post), data).status_code == 404
    assert other_owner.client.post(link_page(theirs, post), data).status_code == 404
    assert not SitePost.objects.exclude(link_url="").exists()


def test_p20_photo_links_are_exported_with_the_site(owner, site, post):
    owner.client.post(link_page(site, post), {"url": "https://shop.example/scarf"})
    exported = SiteData().export(owner.user)
    assert exported[0]["photo_links"] == [
        {"post_id": post.pk, "url": "https://shop.example/scarf", "label": ""}
    ]


def test_p07_a_removed_posts_link_stops_redirecting_at_once(owner, site, post, commit):
    owner.client.post(link_page(site, post), {"url": "https://shop.example/scarf"})
    publish(site, commit)
    key = SitePost.objects.get(site=site, post=post).link_key
    assert browser_client().get(f"/_m/c/{site.pk}/{key}/").status_code == 302
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/posts/{post.pk}/remove/")
    assert browser_client().get(f"/_m/c/{site.pk}/{key}/").status_code == 404
    site.refresh_from_db()
    assert str(post.pk) not in site.published.get("post_links", {})
