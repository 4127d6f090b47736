"""Link clicks go through a redirect that only ever leads to that site's own links."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mosaic.privacy.services import request_account_deletion
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import browser_client, publish_snapshot, published_link, total
from mosaic.websites.models import Site, new_link_key

pytestmark = pytest.mark.django_db


def test_a_click_is_counted_and_redirected_to_the_links_own_url(site, site_link):
    response = browser_client().get(f"/_m/c/{site.pk}/{site_link.key}/")

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/olivia"
    assert response["Cache-Control"] == "no-store"
    flush()
    assert total(site, "click") == 1


@pytest.mark.parametrize("url", ["mailto:olivia@example.com", "tel:+15550100"])
def test_mail_and_phone_links_redirect_too(site, url):
    link = published_link(site, "Contact", url)
    assert browser_client().get(f"/_m/c/{site.pk}/{link.key}/")["Location"] == url


def test_the_redirect_refuses_a_link_of_another_site_or_an_unknown_one(
    site, site_link, other_owner
):
    other = Site.objects.create(owner=other_owner.user, slug="oscar", title="Oscar")
    foreign = published_link(other, "Elsewhere", "https://evil.example.net/")

    for path in (
        f"/_m/c/{site.pk}/{foreign.key}/",  # someone else's link through Olivia's site
        f"/_m/c/{other.pk}/{site_link.key}/",
        f"/_m/c/{site.pk}/{new_link_key()}/",
        f"/_m/c/{site.pk}/{site_link.key}/?next=https://evil.example.net/",
    ):
        response = browser_client().get(path)
        assert "evil" not in response.get("Location", ""), path
    assert browser_client().get(f"/_m/c/{site.pk}/{foreign.key}/").status_code == 404
    assert browser_client().get(f"/_m/c/{other.pk}/{site_link.key}/").status_code == 404
    flush()
    assert total(site, "click") == 1  # only the legitimate one, with its ignored parameter


def test_a_link_with_a_forbidden_scheme_is_never_followed(site):
    link = published_link(site, "Sneaky", "javascript:alert(document.cookie)")
    response = browser_client().get(f"/_m/c/{site.pk}/{link.key}/")
    assert response.status_code == 404
    assert "Location" not in response


def test_a_click_still_reaches_its_link_when_counting_fails(site, site_link, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the spool folder should be")
    settings.STATS_BUFFER = "spool"
    settings.STATS_SPOOL_DIR = blocker / "spool"

    response = browser_client().get(f"/_m/c/{site.pk}/{site_link.key}/")
    pixel = browser_client().get(f"/_m/v/{site.pk}.gif", {"p": "/olivia/"})

    assert response.status_code == 302
    assert response["Location"] == site_link.url
    assert pixel.status_code == 200
    assert pixel["Content-Type"] == "image/gif"


def test_a_click_still_reaches_its_link_when_redis_is_down(site, site_link, settings):
    from tests.processes import free_port

    settings.STATS_BUFFER = "redis"
    settings.STATS_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there

    response = browser_client().get(f"/_m/c/{site.pk}/{site_link.key}/")
    assert response.status_code == 302
    assert response["Location"] == site_link.url


def test_a_click_follows_the_published_link_not_the_unpublished_draft(site, site_link):
    site_link.url = "https://new-shop.example.com/"
    site_link.save()  # edited, not yet published
    draft_only = site.links.create(label="Draft", url="https://draft.example.com/")

    assert browser_client().get(f"/_m/c/{site.pk}/{site_link.key}/")["Location"] == (
        "https://shop.example.com/olivia"
    )
    assert browser_client().get(f"/_m/c/{site.pk}/{draft_only.key}/").status_code == 404


def test_a_link_deleted_from_the_draft_still_works_until_the_site_is_republished(
    site, site_link, settings
):
    click = f"/_m/c/{site.pk}/{site_link.key}/"
    site_link.delete()
    assert browser_client().get(click).status_code == 302

    publish_snapshot(site)
    assert browser_client().get(click).status_code == 404


def test_a_link_just_published_works_at_once_even_after_the_site_was_visited(site):
    assert browser_client().get(f"/_m/v/{site.pk}.gif", {"p": "/olivia/"}).status_code == 200
    link = published_link(site, "New", "https://new.example.com/")  # the owner publishes it

    response = browser_client().get(f"/_m/c/{site.pk}/{link.key}/")
    assert (response.status_code, response["Location"]) == (302, "https://new.example.com/")


def test_p31_a_click_address_is_a_random_key_per_link_not_a_counter(site):
    first = published_link(site, "One", "https://one.example.com/")
    second = published_link(site, "Two", "https://two.example.com/")
    assert len(first.key) >= 22  # 128 random bits, URL-safe
    assert first.key != second.key
    assert str(first.pk) not in (first.key, second.key)
    # The old address shape (site id, link id) leads nowhere.
    assert browser_client().get(f"/_m/c/{site.pk}/{first.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("visibility", "status"), [("public", 302), ("unlisted", 302), ("private", 404)]
)
def test_p31_a_private_sites_links_answer_only_its_owner(
    site, site_link, owner, visibility, status
):
    Site.objects.filter(pk=site.pk).update(visibility=visibility)
    click = f"/_m/c/{site.pk}/{site_link.key}/"
    response = browser_client().get(click)
    assert response.status_code == status
    if status == 404:
        assert "Location" not in response
        assert b"shop.example.com" not in response.content
    owners_browser = browser_client()
    owners_browser.force_login(owner.user)
    assert owners_browser.get(click)["Location"] == site_link.url
    flush()
    assert total(site, "click") == (1 if status == 302 else 0)  # the owner is never counted


def test_p08_a_deleted_sites_or_quarantined_accounts_links_are_gone(site, site_link, owner):
    click = f"/_m/c/{site.pk}/{site_link.key}/"
    assert browser_client().get(click).status_code == 302
    Site.objects.filter(pk=site.pk).update(deleted_at=timezone.now())
    gone = browser_client().get(click)
    assert gone.status_code == 410
    assert "Location" not in gone

    Site.objects.filter(pk=site.pk).update(deleted_at=None)
    request_account_deletion(user=owner.user)
    assert browser_client().get(click).status_code == 410
    flush()
    assert total(site, "click") == 1


def test_a_site_never_published_has_no_links_to_follow(owner):
    draft = Site.objects.create(owner=owner.user, slug="draft", title="Draft")
    link = draft.links.create(label="Mail", url="mailto:secret@example.com")
    response = browser_client().get(f"/_m/c/{draft.pk}/{link.key}/")
    assert response.status_code == 404
    assert "Location" not in response
