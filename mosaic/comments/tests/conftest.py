"""A published public site with one photo, its comments switched on, and a commenter."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Persona, make_user
from mosaic.comments import services
from mosaic.websites import services as websites
from mosaic.websites.tests.conftest import body, commit, make_post  # noqa: F401 (fixtures)


@pytest.fixture
def commenter(db) -> Persona:
    """Cora: a member who comments on other people's photos, signed in."""
    user = make_user("cora")
    user.display_name = "Cora Mill"
    user.save(update_fields=["display_name"])
    client = Client()
    client.force_login(user)
    return Persona(user=user, password=PASSWORD, client=client)


@pytest.fixture
def photo_site(owner, commit):  # noqa: F811
    """Olivia's public site "olivia", published, with one photo; comments at once."""
    post = make_post(owner.user, "Harbour at dawn")
    with commit():
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
        websites.publish(site=site)
        services.set_mode(site=site, mode="at-once")
    site.refresh_from_db()
    return site, post


def page_of(client: Client, site, post) -> str:
    response = client.get(f"/{site.slug}/p/{post.pk}/")
    assert response.status_code == 200
    return body(response)
