"""Through the production nginx (deploy/nginx/mosaic.conf) in front of Granian: the static home
page of a listed site embeds the similar-sites frame, and the app's answer may be framed by the
same origin only (nginx's DENY for published files must not reach it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from conftest import make_user
from mosaic.discovery import services
from mosaic.websites import services as websites
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post
from tests.processes import database_url
from tests.stack import Stack, production_stack

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker) -> Iterator[Stack]:
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    with production_stack(database_url=url) as running:
        yield running


def listed(slug: str) -> Site:
    owner = make_user(slug)
    make_post(owner, "Morning swim #sea")
    site = websites.create_site(owner=owner, slug=slug, title=slug.title())
    websites.publish(site=site)
    site = Site.objects.get(pk=site.pk)
    services.set_choices(site=site, listed=True, sensitive=False, recommend=True)
    return Site.objects.get(pk=site.pk)


def test_p18_the_frame_is_embedded_by_nginx_pages_and_framed_by_the_same_origin_only(
    stack, settings
):
    settings.MEDIA_ROOT = stack.media
    settings.WEBSITES_PUBLISHED_ROOT = str(stack.var / "sites")
    olivia, _oscar = listed("olivia"), listed("oscar")
    services.compute_similar()
    visitor = stack.client()

    page = visitor.get("/olivia/")
    assert page.status_code == 200
    assert f'src="/explore/similar/{olivia.pk}/"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]  # frames: self

    frame = visitor.get(f"/explore/similar/{olivia.pk}/")
    assert frame.status_code == 200
    assert 'href="/oscar/"' in frame.text
    assert frame.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in frame.headers["content-security-policy"]
    assert "set-cookie" not in frame.headers

    explore = visitor.get("/explore/search/", params={"q": "oscar"})
    assert explore.status_code == 200
    assert 'href="/oscar/"' in explore.text
