"""``privacy_audit``'s P18 and P28 lines see the directory's live rows."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from conftest import make_user
from mosaic.audit.tests.running import audit, line
from mosaic.discovery import services
from mosaic.discovery.models import SearchEntry, Similar, SiteTag
from mosaic.discovery.tests.conftest import listed_row
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def test_p18_the_audit_is_ok_with_recommendations_that_respect_the_choices():
    one = listed_row(make_user("u1"), slug="one", title="One", captions=("#sea",))
    listed_row(make_user("u2"), slug="two", title="Two", captions=("#sea",))
    services.compute_similar()
    assert Similar.objects.filter(entry=one.pk).exists()
    assert line(audit()[0], "P18").startswith("P18 ok: ")


def test_p18_a_stored_recommendation_of_an_opted_out_site_is_a_breach():
    one = listed_row(make_user("u1"), slug="one", title="One", captions=("#sea",))
    listed_row(make_user("u2"), slug="two", title="Two", captions=("#sea",))
    services.compute_similar()
    Site.objects.filter(pk=one.pk).update(recommend=False)  # behind the service's back
    assert "P18 BREACH: 2 recommendations of or on sites that opted out" in line(audit()[0], "P18")


def test_p18_a_sensitive_directory_tag_is_a_breach():
    one = listed_row(make_user("u1"), slug="one", title="One", captions=("#sea",))
    SiteTag.objects.create(entry_id=one.pk, key="religion", label="religion")
    assert "1 directory tags name a sensitive category" in line(audit()[0], "P18")


def test_p28_an_entry_outliving_its_listing_is_a_breach():
    one = listed_row(make_user("u1"), slug="one", title="One")
    Site.objects.filter(pk=one.pk).update(listed=False)  # left, and no sweep ran
    assert line(audit()[0], "P28").startswith("P28 ok: ")  # within the sweep's lag
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=2)):
        assert "1 search entries of sites that left" in line(audit()[0], "P28")
    services.sync_index()
    assert not SearchEntry.objects.exists()
