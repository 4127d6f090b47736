"""Publishing a site to static files and serving them at /<slug>/."""

from __future__ import annotations

import pytest

from mosaic.websites import publishing, services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    make_post(owner.user, "Morning swim #sea #summer", photos=2)
    make_post(owner.user, "Harbour lights", video=True, days=1)
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia's photos")
        services.publish(site=site)
        return site


def test_a_new_site_is_published_and_served(site, visitor):
    site.refresh_from_db()
    assert site.published_build
    home = visitor.get("/olivia/")
    assert home.status_code == 200
    html = body(home)
    assert "Olivia&#x27;s photos" in html or "Olivia's photos" in html
    assert 'rel="canonical" href="http://' in html
    assert home["Cache-Control"] == "public, no-cache"
    assert home["ETag"]


def test_pages_answer_304_to_a_matching_etag(site, visitor):
    first = visitor.get("/olivia/")
    again = visitor.get("/olivia/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_hashed_css_is_cached_for_a_year(site, visitor):
    folder = publishing.build_folder(Site.objects.get(pk=site.pk))
    assert folder is not None
    css = next((folder / "assets").iterdir()).name
    response = visitor.get(f"/olivia/assets/{css}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
