"""The statistics category: export, erase, and deletion with the site (P12, P20, P30)."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from mosaic.privacy.registry import category
from mosaic.privacy.sweeps import sweeps
from mosaic.stats.models import DailyCount, DailyVisitor, Event
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import browser_client, publish_snapshot, view
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def test_p20_the_owner_exports_their_sites_counts_and_nothing_about_visitors(site, owner):
    view(browser_client(), site, r="news.example.org")
    flush()

    exported = category("statistics").export(owner.user)

    json.dumps(exported)
    assert exported[0]["site"] == "olivia"
    assert {"day", "kind", "dimension", "key", "count"} <= set(exported[0]["daily_counts"][0])
    hashes = set(Event.objects.values_list("visitor", flat=True))
    assert hashes
    assert not any(h in json.dumps(exported) for h in hashes), "not the owner's data"


def test_p20_erase_removes_one_owners_statistics_only(site, owner, other_owner):
    other = Site.objects.create(owner=other_owner.user, slug="oscar", title="Oscar")
    publish_snapshot(other)
    view(browser_client(), site)
    view(browser_client(), other, "/oscar/")
    flush()

    category("statistics").erase(owner.user)

    for model in (Event, DailyCount, DailyVisitor):
        assert not model.objects.filter(site=site).exists()
        assert model.objects.filter(site=other).exists()


def test_p07_deleting_a_site_deletes_its_statistics(site):
    view(browser_client(), site, r="news.example.org")
    flush()
    site.delete()
    assert not Event.objects.exists()
    assert not DailyCount.objects.exists()
    assert not DailyVisitor.objects.exists()


def test_p12_the_sweeps_say_what_they_delete_and_when():
    names = {rule.name: rule for rule in sweeps()}
    assert "48 hours" in names["stats.daily_salts"].help
    assert names["stats.daily_salts"].promise == "P12"
    assert "STATS_EVENT_DAYS" in names["stats.raw_events"].help


def test_the_retention_shown_on_the_policy_follows_the_setting(settings):
    settings.STATS_EVENT_DAYS = 11
    with translation.override("en"):
        text = str(category("statistics").retention())
    assert "11 days" in text
    assert "48 hours" in text
