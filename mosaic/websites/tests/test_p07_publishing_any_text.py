"""P07: publishing holds for any text, a removed post leaves at once, a failure is shown."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from mosaic.posts.hashtags import tag_key
from mosaic.websites import publishing, services
from mosaic.websites.models import Site
from mosaic.websites.names import tag_folder
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db

CHINESE_TAG = "海边日落时分我们一起去看海浪拍打礁石" * 5  # 90 characters, 270 bytes in UTF-8
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def site(owner, commit):
    make_post(owner.user, "Sunset #sea", days=1)
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
        return site


def test_p07_a_90_character_chinese_hashtag_publishes(owner, visitor, site, commit):
    assert len(CHINESE_TAG) == 90
    post = make_post(owner.user, f"Evening #{CHINESE_TAG}")
    with commit():
        services.publish(site=site)
    site.refresh_from_db()
    assert site.publish_failed_at is None
    page = body(visitor.get(f"/olivia/p/{post.pk}/"))
    folder = tag_folder(tag_key(CHINESE_TAG))
    assert f"t/{quote(folder)}/" in page
    tag_page = visitor.get(f"/olivia/t/{quote(folder)}/")
    assert tag_page.status_code == 200
    assert CHINESE_TAG in body(tag_page)
    # and the publish after it works too (the old failure stuck every later one)
    make_post(owner.user, "Next morning #sea", days=2)
    with commit():
        services.publish(site=site)
    assert visitor.get("/olivia/t/sea/").status_code == 200


@pytest.mark.parametrize(
    ("key", "expected"),
    [("sea", "sea"), ("summer_2025", "summer_2025")],
)
def test_plain_short_tags_keep_their_own_folder_name(key, expected):
    assert tag_folder(key) == expected


@pytest.mark.parametrize(
    "key",
    [CHINESE_TAG, "море", "a" * 100, "été", "ﷺ" * 100, "x" * 41, "\u0915\u093f" * 90],
)
def test_p07_long_or_non_latin_tags_get_a_capped_slug_and_a_hash(key):
    name = tag_folder(key)
    assert len(name.encode()) <= 64
    assert "-" in name  # never equal to a plain tag's folder
    assert "/" not in name
    assert not name.startswith(".")
    assert name != tag_folder(key + "x")


def test_p07_two_long_tags_with_one_prefix_get_two_folders():
    assert tag_folder("a" * 60 + "b") != tag_folder("a" * 60 + "c")


def test_p07_a_removed_post_leaves_the_served_pages_before_the_next_build(
    owner, visitor, site, commit, settings
):
    post = make_post(owner.user, "Private moment at home")
    with commit():
        services.publish(site=site)
    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 200
    assert "Private moment" in body(visitor.get("/olivia/"))
    settings.TASKS = QUEUE_ONLY  # the republish is queued but has not run
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/posts/{post.pk}/remove/")
    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 404
    home = body(visitor.get("/olivia/"))
    assert "Private moment" not in home
    assert f"p/{post.pk}/" not in home
    assert "Sunset" in home  # the other posts stay
    build = publishing.build_folder(Site.objects.get(pk=site.pk))
    assert build is not None
    assert "Private moment" not in "".join(p.read_text() for p in build.rglob("*.html"))


def test_p07_a_removed_tagged_post_leaves_its_tag_page(owner, visitor, site, commit, settings):
    post = make_post(owner.user, "Hidden cove #sea", days=3)
    with commit():
        services.publish(site=site)
    assert "Hidden cove" in body(visitor.get("/olivia/t/sea/"))
    settings.TASKS = QUEUE_ONLY
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/posts/{post.pk}/remove/")
    tag_page = body(visitor.get("/olivia/t/sea/"))
    assert "Hidden cove" not in tag_page
    assert "Sunset" in tag_page


def test_p07_a_failed_publish_is_shown_as_failed_and_cleared_by_a_success(owner, site, commit):
    folder = publishing.site_folder("olivia")
    shutil.rmtree(folder)
    folder.write_text("the disk refuses")  # a file where the site's folder must be
    make_post(owner.user, "After the failure", days=4)
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/publish/")
    site.refresh_from_db()
    assert site.publish_failed_at is not None
    page = owner.client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert "Publishing failed" in page
    assert "Everything is published" not in page
    folder.unlink()
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/publish/")
    page = owner.client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert "Publishing failed" not in page
    assert "Everything is published" in page
