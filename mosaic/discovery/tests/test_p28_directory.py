"""P28, P31: being findable is the owner's choice; only public, published, online sites of
owners who opted in appear in the directory, search and recommendations, and leaving by any
way (switch off, unlisted, private, blocked, deleted, account in quarantine) is at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from conftest import make_user
from mosaic.discovery import schema, services
from mosaic.discovery.models import SearchEntry, SiteTag
from mosaic.discovery.privacy import DirectoryData
from mosaic.discovery.search import search
from mosaic.discovery.tests.conftest import listed_row, make_post, publish_listed
from mosaic.privacy.services import request_account_deletion
from mosaic.privacy.tests.batches import queries_to_erase
from mosaic.websites import services as websites
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def shown(client, slug: str) -> dict[str, bool]:
    """Where the site shows up for a visitor right now."""
    explore = client.get("/explore/").content.decode()
    tag = client.get("/explore/tag/sea/").content.decode()
    found = client.get("/explore/search/", {"q": "olivia"}).content.decode()
    return {
        "explore": f'href="/{slug}/"' in explore,
        "tag": f'href="/{slug}/"' in tag,
        "search": f'href="/{slug}/"' in found,
    }


EVERYWHERE = {"explore": True, "tag": True, "search": True}
NOWHERE = {"explore": False, "tag": False, "search": False}


@pytest.fixture
def site(owner, django_capture_on_commit_callbacks):
    return publish_listed(
        owner.user,
        django_capture_on_commit_callbacks,
        slug="olivia",
        title="Olivia by the sea",
        captions=("Morning swim #sea", "Waves #sea #surf"),
    )


def test_p28_a_new_site_is_not_listed(owner, visitor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
        websites.publish(site=site)
    assert not Site.objects.get(pk=site.pk).listed
    services.sync_index()
    assert shown(visitor, "olivia") == NOWHERE
    assert not SearchEntry.objects.exists()


def test_p28_an_owner_who_opts_in_appears_everywhere(site, visitor):
    assert shown(visitor, "olivia") == EVERYWHERE
    assert list(SiteTag.objects.values_list("key", "posts")) in ([("sea", 2), ("surf", 1)],)


def test_p31_switching_off_removes_the_site_everywhere_at_once(site, owner, visitor):
    response = owner.client.post(f"/panel/discovery/{site.pk}/", {"recommend": "on"})
    assert response.status_code == 302
    assert shown(visitor, "olivia") == NOWHERE
    assert not SearchEntry.objects.exists()
    if connection.vendor == "sqlite":  # the FTS5 index itself holds nothing of it
        with connection.cursor() as cursor:
            fts = "discovery_search_fts"
            cursor.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH 'olivia'")  # noqa: S608
            assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("visibility", ["unlisted", "private"])
def test_p31_a_site_made_unlisted_or_private_leaves_before_any_sweep(
    site, visitor, visibility, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        websites.update_settings(
            site=site, slug="olivia", visibility=visibility, hide_from_search=False
        )
    assert SearchEntry.objects.exists()  # the sweep has not run: the rule still holds
    assert shown(visitor, "olivia") == NOWHERE
    assert services.sync_index() == 1
    assert not SearchEntry.objects.exists()


def test_p31_a_blocked_site_leaves_at_once(site, visitor):
    websites.block_site(site=site)
    assert shown(visitor, "olivia") == NOWHERE
    assert visitor.get(f"/explore/similar/{site.pk}/").status_code == 404


def test_p31_a_deleted_site_leaves_and_its_copy_goes_with_it(site, visitor):
    websites.delete_site(site=Site.objects.get(pk=site.pk))
    assert shown(visitor, "olivia") == NOWHERE
    websites.erase_site(site=Site.objects.get(pk=site.pk))
    assert not SearchEntry.objects.exists()
    assert not SiteTag.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's own segments")
def test_p08_an_erased_site_leaves_no_word_in_the_index_segments(site, owner):
    def traces() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM discovery_search_fts_data"
                " WHERE instr(block, CAST('olivia' AS BLOB)) > 0"
            )
            return cursor.fetchone()[0]

    listed_row(make_user("vera"), slug="vera", title="Vera")  # the index is not empty after
    schema.compact()
    assert traces() > 0  # the check can see the words
    DirectoryData().erase(owner.user)
    assert not SearchEntry.objects.filter(site=site).exists()
    assert traces() == 0
    assert [s.slug for s in search("vera").sites] == ["vera"]


def test_p31_an_account_in_quarantine_leaves_at_once(site, owner, visitor):
    request_account_deletion(user=owner.user)
    assert shown(visitor, "olivia") == NOWHERE
    assert not SearchEntry.objects.exists()  # the category's quarantine deletes the copy


def test_p28_a_sensitive_site_is_found_by_search_only(site, owner, visitor):
    services.set_choices(site=site, listed=True, sensitive=True, recommend=True)
    assert shown(visitor, "olivia") == {"explore": False, "tag": False, "search": True}
    assert not SiteTag.objects.exists()


def test_p28_the_index_follows_the_published_pages_not_the_draft(site, visitor, commit):
    site.title = "Draft words"
    site.save(update_fields=["title"])
    services.sync_index()
    assert search("draft").sites == []
    with commit():
        websites.publish(site=Site.objects.get(pk=site.pk))
    assert services.sync_index() == 1
    assert [s.slug for s in search("draft").sites] == ["olivia"]


def test_the_choices_belong_to_the_owner_only(site, other_owner, visitor):
    assert other_owner.client.post(f"/panel/discovery/{site.pk}/", {}).status_code == 404
    assert visitor.post(f"/panel/discovery/{site.pk}/", {}).status_code == 302  # sign in
    assert Site.objects.get(pk=site.pk).listed


def test_the_editor_shows_the_directory_fieldset_off_by_default(owner, commit):
    with commit():
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
    page = owner.client.get(f"/panel/sites/{site.pk}/").content.decode()
    assert 'id="directory-listed"' in page
    assert 'name="listed" id="directory-listed" checked' not in page


def test_a_tag_page_with_nobody_is_a_404_and_odd_tags_are_refused(site, visitor):
    assert visitor.get("/explore/tag/nobody/").status_code == 404
    assert visitor.get("/explore/tag/SEA/").status_code == 404  # not a key
    assert visitor.get("/explore/tag/" + "a" * 101 + "/").status_code == 404
    assert visitor.get("/explore/?page=99").status_code == 404
    assert visitor.get("/explore/?page=x").status_code == 404


def test_the_index_refreshes_a_day_old_entry_with_new_hashtags(site):
    make_post(site.owner, "Sunrise #dawn")  # a new post, no publish
    assert services.sync_index() == 0
    assert search("dawn").sites == []
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1, minutes=1)):
        assert services.sync_index() == 1
    assert [s.slug for s in search("dawn").sites] == ["olivia"]


def test_a_russian_tag_has_its_page(owner, visitor, django_capture_on_commit_callbacks):
    publish_listed(
        owner.user,
        django_capture_on_commit_callbacks,
        slug="vera",
        title="Вера у моря",  # noqa: RUF001
        captions=("Утро #Море",),  # noqa: RUF001
    )
    explore = visitor.get("/explore/").content.decode()
    assert 'href="/explore/tag/%D0%BC%D0%BE%D1%80%D0%B5/"' in explore  # море
    page = visitor.get("/explore/tag/море/")
    assert page.status_code == 200
    assert 'href="/vera/"' in page.content.decode()
    assert [s.slug for s in search("#море").sites] == ["vera"]
    assert [s.slug for s in search("МОРЯ").sites] == ["vera"]  # the title, by prefix


def test_listing_an_unlisted_site_says_only_public_sites_are_listed(owner, visitor, commit):
    with commit():
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
        websites.publish(site=site)
        websites.update_settings(
            site=site, slug="olivia", visibility="unlisted", hide_from_search=False
        )
    response = owner.client.post(f"/panel/discovery/{site.pk}/", {"listed": "on"}, follow=True)
    assert "Only a public site is listed" in response.content.decode()
    assert Site.objects.get(pk=site.pk).listed  # kept: it applies once the site is public
    assert shown(visitor, "olivia") == NOWHERE


def test_p08_erasing_a_batch_takes_each_accounts_directory_entries_and_spares_a_bystanders():
    bystander = make_user("vera")
    listed_row(bystander, slug="vera", title="Vera", captions=("Vera by the #sea",))
    users = [make_user(name) for name in ("anna", "boris", "clara", "dmitri")]
    for user in users:
        listed_row(user, slug=user.username, title=user.username.title(), captions=("#sea",))
    assert SiteTag.objects.count() == 5

    first = queries_to_erase("directory", users[:1])
    assert queries_to_erase("directory", users[1:]) == first

    assert list(SearchEntry.objects.values_list("name", flat=True)) == ["vera"]
    assert list(SiteTag.objects.values_list("entry__name", flat=True)) == ["vera"]
    assert [site.slug for site in search("sea").sites] == ["vera"]
