"""P21, P31: who can see a site, its images and its sitemap; 410 once it is gone (P07, P08)."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.utils import timezone

from mosaic.billing.models import Subscription
from mosaic.photos.models import Variant
from mosaic.privacy.services import request_account_deletion, restore_account
from mosaic.websites import publishing, services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    make_post(owner.user, "Morning swim #sea")
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
        return site


def set_visibility(site, commit, visibility: str, hide: bool = False) -> Site:
    with commit():
        services.update_settings(
            site=site, slug=site.slug, visibility=visibility, hide_from_search=hide
        )
    return Site.objects.get(pk=site.pk)


def test_p21_a_public_site_has_a_sitemap_and_no_noindex(site, visitor):
    assert visitor.get("/olivia/sitemap.xml").status_code == 200
    response = visitor.get("/olivia/")
    assert "noindex" not in body(response)
    assert "X-Robots-Tag" not in response
    robots = body(visitor.get("/olivia/robots.txt"))
    assert "Sitemap: http" in robots


def test_p21_hide_from_search_means_noindex_and_no_sitemap(site, visitor, commit):
    set_visibility(site, commit, "public", hide=True)
    response = visitor.get("/olivia/")
    assert '<meta name="robots" content="noindex">' in body(response)
    assert response["X-Robots-Tag"] == "noindex"
    assert visitor.get("/olivia/sitemap.xml").status_code == 404
    assert "Disallow: /" in body(visitor.get("/olivia/robots.txt"))


def test_p31_an_unlisted_site_is_noindex_and_absent_from_the_sitemap(site, visitor, commit):
    site = set_visibility(site, commit, "unlisted")
    response = visitor.get("/olivia/")
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in body(response)
    assert response["X-Robots-Tag"] == "noindex"
    assert visitor.get("/olivia/sitemap.xml").status_code == 404
    assert not (publishing.site_folder("olivia") / "current").exists()  # nginx must not serve it


def test_p31_a_private_site_answers_only_its_owner_pages_and_images(
    site, owner, other_owner, visitor, commit
):
    site = set_visibility(site, commit, "private")
    post_id = owner.user.posts.get().pk
    assert owner.client.get(f"/olivia/p/{post_id}/").status_code == 200
    html = body(owner.client.get("/olivia/"))
    assert "/media/" not in html, "a private site never points at public storage"
    name = Variant.objects.filter(original__photos__owner=owner.user).values_list(
        "name", flat=True
    )[0]
    assert f"_media/{name}" in html
    assert owner.client.get(f"/olivia/_media/{name}").status_code == 200
    for someone in (visitor, other_owner.client):
        assert someone.get("/olivia/").status_code == 404
        assert someone.get(f"/olivia/p/{post_id}/").status_code == 404
        assert someone.get(f"/olivia/_media/{name}").status_code == 404
        assert someone.get("/olivia/sitemap.xml").status_code == 404


def test_p31_the_media_route_serves_only_the_owners_files(site, owner, other_owner, commit):
    make_post(other_owner.user, "Oscar's")
    theirs = Variant.objects.filter(original__photos__owner=other_owner.user).values_list(
        "name", flat=True
    )[0]
    set_visibility(site, commit, "private")
    assert owner.client.get(f"/olivia/_media/{theirs}").status_code == 404
    assert owner.client.get("/olivia/_media/../../etc/passwd").status_code == 404


def test_paths_cannot_leave_the_build(site, visitor):
    for path in ("/olivia/../x", "/olivia/.tmp/index.html", "/olivia/%2e%2e/%2e%2e/settings.py"):
        assert visitor.get(path).status_code in (404, 400)


def test_p07_a_deleted_site_answers_410_and_its_files_are_gone(site, visitor, commit):
    assert publishing.site_folder("olivia").exists()
    with commit():
        services.delete_site(site=site)
    assert visitor.get("/olivia/").status_code == 410
    assert visitor.get("/olivia/p/1/").status_code == 410
    assert not publishing.site_folder("olivia").exists()


def test_p08_a_deleted_site_comes_back_when_restored(site, visitor, commit):
    with commit():
        services.delete_site(site=site)
    with commit():
        assert services.restore_site(site=site)
    assert visitor.get("/olivia/").status_code == 200


def test_p08_a_quarantined_account_s_sites_answer_410_and_return_on_restore(
    site, owner, visitor, commit
):
    with commit():
        request_account_deletion(user=owner.user)
    assert visitor.get("/olivia/").status_code == 410
    assert not any(publishing.site_folder("olivia").glob("*/index.html"))
    with commit():
        restore_account(user=owner.user)
    assert visitor.get("/olivia/").status_code == 200


def test_an_unknown_address_is_404(visitor, db):
    assert visitor.get("/nobody-here/").status_code == 404


def test_p21_the_root_sitemap_names_only_public_indexable_sites(site, owner, visitor, commit):
    Subscription.objects.create(user=owner.user, provider="offline", status="active")  # 4 sites
    with commit():
        hidden = services.create_site(owner=owner.user, slug="olivia-hidden", title="Hidden")
        services.publish(site=hidden)
        unlisted = services.create_site(owner=owner.user, slug="olivia-unlisted", title="U")
        private = services.create_site(owner=owner.user, slug="olivia-private", title="P")
        services.publish(site=private)
    set_visibility(hidden, commit, "public", hide=True)
    set_visibility(unlisted, commit, "unlisted")
    set_visibility(private, commit, "private")

    index = visitor.get("/sitemap.xml")

    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    locations = [
        element.text
        for element in ElementTree.fromstring(index.content).iter(  # noqa: S314 (our own output)
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    assert locations == [f"{settings.SITE_URL}/olivia/sitemap.xml"]


def test_p31_root_robots_rules_keep_crawlers_out_of_the_app_and_never_name_a_site(
    site, owner, visitor, commit
):
    with commit():
        unlisted = services.create_site(owner=owner.user, slug="olivia-unlisted", title="U")
        services.publish(site=unlisted)
    set_visibility(unlisted, commit, "unlisted")

    robots = visitor.get("/robots.txt")

    assert robots["Content-Type"].startswith("text/plain")
    text = robots.content.decode()
    assert "Disallow: /panel/" in text
    assert "Disallow: /_m/" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    assert "olivia" not in text


def test_p08_a_site_of_an_account_in_quarantine_leaves_the_root_sitemap(site, owner, visitor):
    type(owner.user).objects.filter(pk=owner.user.pk).update(
        scheduled_deletion_at=timezone.now() + dt.timedelta(days=180)
    )
    assert b"olivia" not in visitor.get("/sitemap.xml").content
