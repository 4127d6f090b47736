"""A site's own words are in the site's language, by default its owner's (issue #13)."""

from __future__ import annotations

import pytest

from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


def test_a_new_site_takes_the_language_the_owner_is_using(owner, commit):
    owner.client.cookies["django_language"] = "ru"
    with commit():
        owner.client.post("/panel/sites/", {"slug": "olivia", "title": "Olivia"})
    assert Site.objects.get(slug="olivia").language == "ru"


def test_the_site_speaks_its_language_and_the_owner_can_change_it(owner, visitor, commit):
    for day in range(30):
        make_post(owner.user, f"Day {day}", days=day)
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia", language="ru")
        services.publish(site=site)
    page = body(visitor.get("/olivia/"))
    assert '<html lang="ru">' in page
    assert "Перейти к содержанию" in page
    assert "Сделано в Mosaic" in page
    assert "Ранее" in page
    assert "Older" not in page

    with commit():
        response = owner.client.post(
            f"/panel/sites/{site.pk}/settings/",
            {"slug": "olivia", "visibility": "public", "language": "en"},
        )
    assert response.status_code == 302
    page = body(visitor.get("/olivia/"))
    assert '<html lang="en">' in page
    assert "Skip to content" in page
    assert "Older" in page


def test_an_unknown_language_is_refused(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
    response = owner.client.post(
        f"/panel/sites/{site.pk}/settings/",
        {"slug": "olivia", "visibility": "public", "language": "xx"},
    )
    assert response.status_code == 400
    assert Site.objects.get(pk=site.pk).language == "en"
