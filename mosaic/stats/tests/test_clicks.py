"""Link clicks go through a redirect that only ever leads to that site's own links."""

from __future__ import annotations

import pytest

from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import browser_client, publish_snapshot, published_link, total
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def test_a_click_is_counted_and_redirected_to_the_links_own_url(site, site_link):
    response = browser_client().get(f"/_m/c/{site.pk}/{site_link.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/olivia"
    assert response["Cache-Control"] == "no-store"
    flush()
    assert total(site, "click") == 1


@pytest.mark.parametrize("url", ["mailto:olivia@example.com", "tel:+15550100"])
def test_mail_and_phone_links_redirect_too(site, url):
    link = published_link(site, "Contact", url)
    assert browser_client().get(f"/_m/c/{site.pk}/{link.pk}/")["Location"] == url


def test_the_redirect_refuses_a_link_of_another_site_or_an_unknown_one(
    site, site_link, other_owner
):
    other = Site.objects.create(owner=other_owner.user, slug="oscar", title="Oscar")
    foreign = published_link(other, "Elsewhere", "https://evil.example.net/")

    for path in (
        f"/_m/c/{site.pk}/{foreign.pk}/",  # someone else's link through Olivia's site
        f"/_m/c/{other.pk}/{site_link.pk}/",
        f"/_m/c/{site.pk}/999999/",
        f"/_m/c/{site.pk}/{site_link.pk}/?next=https://evil.example.net/",
    ):
        response = browser_client().get(path)
        assert "evil" not in response.get("Location", ""), path
    assert browser_client().get(f"/_m/c/{site.pk}/{foreign.pk}/").status_code == 404
    assert browser_client().get(f"/_m/c/{other.pk}/{site_link.pk}/").status_code == 404
    flush()
    assert total(site, "click") == 1  # only the legitimate one, with its ignored parameter


def test_a_link_with_a_forbidden_scheme_is_never_followed(site):
    link = published_link(site, "Sneaky", "javascript:alert(document.cookie)")
    response = browser_client().get(f"/_m/c/{site.pk}/{link.pk}/")
    assert response.status_code == 404
    assert "Location" not in response


def test_a_click_still_reaches_its_link_when_counting_fails(site, site_link, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the spool folder should be")
    settings.STATS_BUFFER = "spool"
    settings.STATS_SPOOL_DIR = blocker / "spool"

    response = browser_client().get(f"/_m/c/{site.pk}/{site_link.pk}/")
    pixel = browser_client().get(f"/_m/v/{site.pk}.gif", {"p": "/olivia/"})

    assert response.status_code == 302
    assert response["Location"] == site_link.url
    assert pixel.status_code == 200
    assert pixel["Content-Type"] == "image/gif"


def test_a_click_still_reaches_its_link_when_redis_is_down(site, site_link, settings):
    from tests.processes import free_port

    settings.STATS_BUFFER = "redis"
    settings.STATS_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there

    response = browser_client().get(f"/_m/c/{site.pk}/{site_link.pk}/")
    assert response.status_code == 302
    assert response["Location"] == site_link.url


def test_a_click_follows_the_published_link_not_the_unpublished_draft(site, site_link):
    site_link.url = "https://new-shop.example.com/"
    site_link.save()  # edited, not yet published
    draft_only = site.links.create(label="Draft", url="https://draft.example.com/")

    assert browser_client().get(f"/_m/c/{site.pk}/{site_link.pk}/")["Location"] == (
        "https://shop.example.com/olivia"
    )
    assert browser_client().get(f"/_m/c/{site.pk}/{draft_only.pk}/").status_code == 404


def test_a_link_deleted_from_the_draft_still_works_until_the_site_is_republished(
    site, site_link, settings
):
    settings.STATS_SITE_CACHE_SECONDS = 0  # otherwise the removal takes up to that long
    click = f"/_m/c/{site.pk}/{site_link.pk}/"
    site_link.delete()
    assert browser_client().get(click).status_code == 302

    publish_snapshot(site)
    assert browser_client().get(click).status_code == 404


def test_a_link_just_published_works_at_once_even_after_the_site_was_visited(site):
    assert browser_client().get(f"/_m/v/{site.pk}.gif", {"p": "/olivia/"}).status_code == 200
    link = published_link(site, "New", "https://new.example.com/")  # the owner publishes it

    response = browser_client().get(f"/_m/c/{site.pk}/{link.pk}/")
    assert (response.status_code, response["Location"]) == (302, "https://new.example.com/")
