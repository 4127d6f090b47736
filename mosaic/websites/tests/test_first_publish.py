"""A new site is a draft: nothing answers at its address until its first publish (issue #13)."""

from __future__ import annotations

import pytest

from mosaic.photos.models import Photo
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_site(owner, commit):
    """Olivia creates a site through the panel, as a person does."""
    make_post(owner.user, "Morning swim #sea")
    with commit():
        response = owner.client.post(
            "/panel/sites/", {"slug": "olivia", "title": "Olivia"}, follow=True
        )
    assert response.status_code == 200
    return Site.objects.get(slug="olivia")


def test_a_new_site_answers_404_everywhere_until_it_is_published(new_site, owner, visitor):
    post = owner.user.posts.get()
    for client in (visitor, owner.client):
        assert client.get("/olivia/").status_code == 404
        assert client.get(f"/olivia/p/{post.pk}/").status_code == 404
        assert client.get("/olivia/t/sea/").status_code == 404
    assert new_site.published is None
    assert "/olivia/" not in visitor.get("/sitemap.xml").content.decode()


def test_a_new_sites_photos_stay_private_until_it_is_published(new_site, owner):
    assert not Photo.objects.filter(owner=owner.user, exposed=True).exists()


def test_the_editor_says_the_address_shows_nothing_until_the_first_publish(new_site, owner):
    page = owner.client.get(f"/panel/sites/{new_site.pk}/").content.decode()
    assert "Not published yet" in page
    assert "Publish for the first time" in page
    assert "Everything is published" not in page
    listing = owner.client.get("/panel/sites/").content.decode()
    assert "not published yet" in listing


def test_the_creation_message_says_the_site_is_a_draft(owner, commit):
    with commit():
        response = owner.client.post(
            "/panel/sites/", {"slug": "olivia", "title": "Olivia"}, follow=True
        )
    assert "its address shows nothing" in response.content.decode()


def test_after_the_first_publish_the_site_answers_and_drafts_wait_for_the_next(
    new_site, owner, visitor, commit
):
    with commit():
        owner.client.post(f"/panel/sites/{new_site.pk}/publish/")
    home = visitor.get("/olivia/")
    assert home.status_code == 200
    assert "Olivia" in body(home)
    assert Photo.objects.filter(owner=owner.user, exposed=True).exists()

    with commit():
        owner.client.post(
            f"/panel/sites/{new_site.pk}/design/",
            {"title": "Olivia by the sea", "bio": "", "theme": "grid", "accent": "#1d5fd1"},
        )
    assert "Olivia by the sea" not in body(visitor.get("/olivia/"))
    editor = owner.client.get(f"/panel/sites/{new_site.pk}/").content.decode()
    assert "Not published yet" not in editor
    assert "You have changes that are not published yet." in editor

    with commit():
        owner.client.post(f"/panel/sites/{new_site.pk}/publish/")
    assert "Olivia by the sea" in body(visitor.get("/olivia/"))


def test_changing_the_address_of_an_unpublished_site_publishes_nothing(new_site, commit):
    with commit():
        services.update_settings(
            site=new_site, slug="olivia-new", visibility="public", hide_from_search=False
        )
    site = Site.objects.get(pk=new_site.pk)
    assert site.published is None
    assert not site.published_build
