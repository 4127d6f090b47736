"""From outside, through the production nginx (deploy/nginx/mosaic.conf, TLS and all) in front of
Granian in production mode: what an attacker, a visitor and a deleted user can reach.

- P31, P08: media follow visibility at every address nginx answers: /media/ (public copies,
  served without asking the app), /_guarded/ (internal only), /<slug>/_media/ (checked by the
  app, sent by nginx with X-Accel-Redirect) and /_media/ (the owner's own).
- P11, P19: behind the proxy every visitor is told apart (TRUSTED_PROXY_COUNT=1): separate
  rate-limit buckets, and a sign-in from a new network alerts the owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from conftest import PASSWORD, make_user
from mosaic.photos.models import Variant
from mosaic.privacy.services import request_account_deletion, restore_account
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import make_post
from tests.processes import database_url
from tests.stack import Stack, production_stack

pytestmark = [pytest.mark.django_db(transaction=True)]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker) -> Iterator[Stack]:
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    with production_stack(database_url=url) as running:
        yield running


@pytest.fixture(autouse=True)
def _same_files_and_fresh_limits(stack: Stack, settings) -> Iterator[None]:
    """This process writes where the server reads; rate limits start empty for each test."""
    settings.MEDIA_ROOT = stack.media
    settings.WEBSITES_PUBLISHED_ROOT = str(stack.var / "sites")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM mosaic_cache")
    yield
    for folder in ("media", "guarded", "sites", "private"):
        for path in sorted((stack.var / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() or path.is_symlink() else path.rmdir()


def variants(post) -> list[Variant]:
    return list(
        Variant.objects.filter(original__photos__post_items__post=post).select_related("original")
    )


def set_visibility(site: Site, visibility: str) -> None:
    services.update_settings(
        site=site, slug=site.slug, visibility=visibility, hide_from_search=False
    )


def published_site(owner, *posts_hidden: bool, slug: str = "olivia") -> tuple[Site, list]:
    posts = [make_post(owner, f"Post {n}") for n in range(len(posts_hidden))]
    site = services.create_site(owner=owner, slug=slug, title="Olivia")
    for post, hidden in zip(posts, posts_hidden, strict=True):
        services.set_choice(site=site, post=post, hidden=hidden)
    services.publish(site=site)
    return Site.objects.get(pk=site.pk), posts


def test_p31_nginx_serves_public_copies_and_nothing_else_of_a_public_site(stack):
    owner = make_user("olivia")
    _site, (shown, hidden) = published_site(owner, False, True)
    visitor = stack.client()

    page = visitor.get(f"/olivia/p/{shown.pk}/")
    assert page.status_code == 200
    public = variants(shown)[0]
    assert f"/media/{public.public_name}" in page.text
    image = visitor.get(f"/media/{public.public_name}")
    assert image.status_code == 200
    assert image.headers["content-type"] == public.mime_type
    assert image.content == (stack.var / "guarded" / public.name).read_bytes()

    secret = variants(hidden)[0]
    assert secret.public_name == ""
    assert visitor.get(f"/media/{secret.name}").status_code == 404  # guarded name: not public
    assert visitor.get(f"/_guarded/{secret.name}").status_code == 404  # internal location
    assert visitor.get(f"/olivia/_media/{secret.name}").status_code == 404  # checked: hidden
    assert visitor.get(f"/_media/{secret.name}").status_code == 404  # the owner's route


def test_p31_a_private_site_has_no_public_file_and_only_its_owner_gets_them(stack):
    owner = make_user("olivia")
    site, (post,) = published_site(owner, False)
    old_public = variants(post)[0].public_name
    visitor = stack.client()
    assert visitor.get(f"/media/{old_public}").status_code == 200

    set_visibility(site, "private")

    assert visitor.get(f"/media/{old_public}").status_code == 404
    guarded = variants(post)[0]
    assert visitor.get("/olivia/").status_code == 404
    assert visitor.get(f"/olivia/_media/{guarded.name}").status_code == 404
    assert not list((stack.var / "media").rglob("*.jpeg"))

    browser = stack.client(source="127.0.0.3", user_agent=FIREFOX)
    assert stack.sign_in(browser, "olivia", PASSWORD).status_code == 302
    page = browser.get(f"/olivia/p/{post.pk}/")
    assert page.status_code == 200
    assert f"_media/{guarded.name}" in page.text
    image = browser.get(f"/olivia/_media/{guarded.name}")
    assert image.status_code == 200
    assert "x-accel-redirect" not in image.headers  # nginx sent the file itself
    assert image.content == (stack.var / "guarded" / guarded.name).read_bytes()
    assert image.headers["cache-control"].startswith("private")
    assert browser.get(f"/_media/{guarded.name}").status_code == 200


def test_p31_an_unlisted_site_shows_its_photos_to_visitors_only_through_the_check(stack):
    owner = make_user("olivia")
    site, (shown, hidden) = published_site(owner, False, True)
    set_visibility(site, "unlisted")
    services.publish(site=Site.objects.get(pk=site.pk))
    visitor = stack.client()

    page = visitor.get(f"/olivia/p/{shown.pk}/")
    assert page.status_code == 200
    assert "/media/" not in page.text
    assert visitor.get(f"/olivia/_media/{variants(shown)[0].name}").status_code == 200
    assert visitor.get(f"/olivia/_media/{variants(hidden)[0].name}").status_code == 404
    assert not list((stack.var / "media").rglob("*.*"))


def test_p08_quarantine_takes_media_offline_at_once_and_restore_brings_new_ones(stack):
    owner = make_user("olivia")
    _site, (post,) = published_site(owner, False)
    before = variants(post)[0]
    visitor = stack.client()
    assert visitor.get(f"/media/{before.public_name}").status_code == 200

    request_account_deletion(user=owner)

    assert visitor.get(f"/media/{before.public_name}").status_code == 404
    assert visitor.get("/olivia/").status_code == 410
    assert visitor.get(f"/olivia/_media/{before.name}").status_code == 410

    assert restore_account(user=owner)
    after = variants(post)[0]
    assert after.public_name != before.public_name  # never the address from before
    assert visitor.get(f"/media/{after.public_name}").status_code == 200
    assert visitor.get(f"/media/{before.public_name}").status_code == 404


def test_p07_a_removed_post_is_gone_from_nginx_at_once(stack):
    owner = make_user("olivia")
    _site, (kept, removed) = published_site(owner, False, False)
    visitor = stack.client()
    gone = variants(removed)[0]
    assert visitor.get(f"/olivia/p/{removed.pk}/").status_code == 200
    assert visitor.get(f"/media/{gone.public_name}").status_code == 200

    services.remove_post(post=removed)

    assert visitor.get(f"/media/{gone.public_name}").status_code == 404
    assert visitor.get(f"/olivia/_media/{gone.name}").status_code == 404
    assert visitor.get(f"/olivia/p/{removed.pk}/").status_code == 404
    assert visitor.get(f"/olivia/p/{kept.pk}/").status_code == 200


def test_p12_p31_nginx_logs_no_address_and_nothing_of_the_counting_path(stack):
    owner = make_user("olivia")
    site, _posts = published_site(owner, False)
    visitor = stack.client(source="127.0.0.9")
    visitor.get("/olivia/")
    visitor.get(f"/_m/v/{site.pk}.gif", params={"p": "/olivia/", "k": "page"})
    log = Path(stack.access_log).read_text()
    assert '"GET /olivia/ HTTP/1.1" 200' in log
    assert "127.0.0.9" not in log
    assert "/_m/" not in log


def test_p11_two_clients_behind_nginx_get_separate_rate_limit_buckets(stack):
    """TRUSTED_PROXY_COUNT=1: each visitor's address is the one nginx saw, so one client's
    wrong passwords (10 a minute per address) never throttle another's."""
    make_user("olivia")
    attacker = stack.client(source="127.0.0.5")
    for number in range(10):
        answer = stack.sign_in(attacker, f"nobody{number}", "wrong")
        assert "Too many failed login attempts" not in answer.text
    assert "Too many failed login attempts" in stack.sign_in(attacker, "nobody", "wrong").text

    someone_else = stack.client(source="127.0.0.6")
    assert stack.sign_in(someone_else, "olivia", PASSWORD).status_code == 302


def test_p19_a_sign_in_from_a_new_network_behind_nginx_alerts_the_owner(stack):
    make_user("olivia")
    home = stack.client(source="127.0.0.7", user_agent=FIREFOX)
    assert stack.sign_in(home, "olivia", PASSWORD).status_code == 302  # the first device
    stack.run_tasks()
    assert not [m for m in stack.mail.messages if "olivia@example.com" in m["To"]]

    elsewhere = stack.client(source="127.1.0.7", user_agent=FIREFOX)  # another /16
    assert stack.sign_in(elsewhere, "olivia", PASSWORD).status_code == 302
    stack.run_tasks()
    alerts = [m for m in stack.mail.messages if "olivia@example.com" in m["To"]]
    assert len(alerts) == 1
    assert "New sign-in to your account" in alerts[0]["Subject"]
    assert "127.1.0.0/16" in str(alerts[0])  # the network nginx saw, not nginx's own


def test_the_home_pages_example_site_answers_through_nginx_and_may_be_framed_by_it(stack):
    """``/example/<theme>/`` passes nginx's published-sites location (no such build: the app
    answers), with the app's headers only, so the home page's frames show it."""
    visitor = stack.client()
    home = visitor.get("/")
    assert '<iframe src="/example/grid/"' in home.text
    page = visitor.get("/example/grid/")
    assert page.status_code == 200
    assert "Lena Ray" in page.text
    assert page.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    policies = page.headers.get_list("content-security-policy")
    assert len(policies) == 1
    assert "frame-ancestors 'self'" in policies[0]
    photo = visitor.get("/example/photos/1/1-320.webp")
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/webp"
    assert "immutable" in photo.headers["cache-control"]
    assert visitor.get("/example/grid/p/99/").status_code == 404
