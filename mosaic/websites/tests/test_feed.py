"""The Atom feed of a public site (issue #20 item 8): what the site shows publicly, nothing
more (P31); unlisted and private sites have none, from the moment they stop being public."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(owner, commit):
    make_post(owner.user, "Morning swim #sea", days=1)
    make_post(owner.user, 'Evil <script>alert(1)</script> ]]> & "quotes"', days=2)
    hidden = make_post(owner.user, "Not for the feed", days=3)
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.set_choice(site=site, post=hidden, hidden=True)
        services.publish(site=site)
    return Site.objects.get(pk=site.pk)


def entries(response) -> list[ElementTree.Element]:
    feed = ElementTree.fromstring(body(response))  # noqa: S314 (our own output)
    return feed.findall(f"{ATOM}entry")


def test_p31_a_public_sites_feed_lists_what_it_shows_newest_first(site, visitor):
    response = visitor.get("/olivia/feed.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    found = entries(response)
    titles = [entry.findtext(f"{ATOM}title") for entry in found]
    assert titles == ['Evil <script>alert(1)</script> ]]> & "quotes"', "Morning swim #sea"]
    assert "Not for the feed" not in body(response)
    content = found[1].findtext(f"{ATOM}summary") or ""
    assert '<img src="http://' in content, "an absolute address"
    assert "/media/photos/" in content, "the public copy"
    assert "_media/" not in body(response), "never the owner-checked route"
    swim = site.owner.posts.get(caption="Morning swim #sea")
    link = found[1].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(f"/olivia/p/{swim.pk}/")


def test_the_home_page_names_its_feed(site, visitor):
    page = body(visitor.get("/olivia/"))
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Olivia" href="./feed.xml">'
        in page
    )


@pytest.mark.parametrize("visibility", [Site.Visibility.UNLISTED, Site.Visibility.PRIVATE])
def test_p31_a_site_that_stops_being_public_has_no_feed_at_once(
    site, owner, visitor, visibility, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # no republish runs
        services.update_settings(
            site=site, slug=site.slug, visibility=visibility, hide_from_search=False
        )
    assert visitor.get("/olivia/feed.xml").status_code == 404
    assert owner.client.get("/olivia/feed.xml").status_code == 404
    services.run_publish(site_id=site.pk)  # the republish that was queued: no file, no link
    assert owner.client.get("/olivia/feed.xml").status_code == 404
    assert "application/atom+xml" not in body(owner.client.get("/olivia/"))


def test_control_characters_in_a_caption_never_break_the_feed(owner, visitor, commit):
    make_post(owner.user, "Bell\x07 and form feed\x0c and escape\x1b end")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia\x0b")
        services.publish(site=site)
    titles = [e.findtext(f"{ATOM}title") for e in entries(visitor.get("/olivia/feed.xml"))]
    assert titles == ["Bell and form feed and escape end"]


def test_the_feed_uses_the_owners_alt_text(site, visitor, commit):
    from mosaic.posts.models import PostItem

    item = PostItem.objects.get(post__caption="Morning swim #sea")
    with commit():
        services.set_alt_text(item=item, text="A swimmer in a grey sea at dawn")
    summaries = [
        e.findtext(f"{ATOM}summary") or "" for e in entries(visitor.get("/olivia/feed.xml"))
    ]
    assert any('alt="A swimmer in a grey sea at dawn"' in summary for summary in summaries)


def test_a_post_without_a_caption_is_titled_by_its_date_in_the_sites_language(
    owner, visitor, commit
):
    post = make_post(owner.user, "")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia", language="ru")
        services.publish(site=site)
    titles = [e.findtext(f"{ATOM}title") for e in entries(visitor.get("/olivia/feed.xml"))]
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    expected = f"{post.taken_at.day} {months.split()[post.taken_at.month - 1]} {post.taken_at.year}"
    assert titles == [expected]
