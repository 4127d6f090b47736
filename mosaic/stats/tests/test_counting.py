"""Views are counted first-party, without cookies or stored addresses; refusals honoured (P12)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.test import Client

from conftest import make_user
from mosaic.stats.models import DailyCount, DailySalt, DailyVisitor, Event
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import (
    DESKTOP,
    PHONE,
    TABLET,
    browser_client,
    post_path,
    publish_snapshot,
    total,
    view,
)
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def test_p12_a_view_is_buffered_then_rolled_up_by_page_device_and_visitor(site):
    photo_page = post_path(site)
    with time_machine.travel(DAY, tick=False):
        response = view(browser_client(), site, photo_page, "photo")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert response["Cache-Control"] == "no-store"
        assert Event.objects.count() == 0, "counting only appends to the buffer"

        assert flush() == 1

    event = Event.objects.get()
    assert (event.kind, event.path, event.device) == ("photo", photo_page, "phone")
    rows = set(DailyCount.objects.values_list("day", "kind", "dimension", "key", "count"))
    assert rows == {
        (DAY.date(), "photo", "total", "", 1),
        (DAY.date(), "photo", "path", photo_page, 1),
        (DAY.date(), "photo", "device", "phone", 1),
        (DAY.date(), "visitor", "total", "", 1),
    }
    assert flush() == 0, "a flushed segment is never read twice"


def test_p12_device_classes_come_from_the_user_agent(site):
    for agent in (PHONE, TABLET, DESKTOP):
        view(browser_client(agent), site)
    flush()
    devices = dict(DailyCount.objects.filter(dimension="device").values_list("key", "count"))
    assert devices == {"phone": 1, "tablet": 1, "desktop": 1}


def test_p12_no_cookie_is_set_on_the_counting_path_even_for_a_signed_in_visitor(site, site_link):
    someone = make_user("sam")
    client = browser_client()
    client.force_login(someone)
    client.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    stale = browser_client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"  # would be deleted elsewhere
    stale.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32

    for each in (browser_client(), client, stale):
        for response in (
            view(each, site),
            each.get(f"/_m/c/{site.pk}/{site_link.key}/"),
            each.get(f"/_m/v/{site.pk}.gif", {"p": "bad"}),
            each.get(f"/_m/v/{site.pk + 1000}.gif", {"p": "/x/"}),
        ):
            assert not response.cookies, response.cookies
            assert "Set-Cookie" not in response
            assert "Vary" not in response, "the session was not even looked at by middleware"
    flush()
    assert total(site, "page") == 3, "a signed-in visitor who is not the owner counts"


def test_p12_p30_the_address_is_never_stored_or_logged(site, site_link, caplog, tmp_path):
    address = "198.51.100.237"
    caplog.set_level(logging.DEBUG)
    client = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
    view(client, site, r="https://news.example.org/story?id=9")
    client.get(f"/_m/c/{site.pk}/{site_link.key}/")
    client.get(f"/_m/v/{site.pk}.gif", {"p": "bad"})  # the refused path logs nothing either
    spooled = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    flush()

    dump = "".join(
        serializers.serialize("json", model.objects.all())
        for model in (Event, DailyCount, DailyVisitor, DailySalt)
    )
    assert Event.objects.count() == 2
    assert address not in dump
    assert address.encode() not in spooled
    assert address not in caplog.text
    assert "story" not in dump, "only the referring host is kept, never the URL"
    assert Event.objects.filter(referrer_host="news.example.org").count() == 1


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"HTTP_SEC_GPC": "1"}, "Global Privacy Control"),
        ({"HTTP_DNT": "1"}, "Do Not Track"),
        ({"HTTP_SEC_PURPOSE": "prefetch"}, "a prefetch (Chromium)"),
        ({"HTTP_PURPOSE": "prefetch"}, "a prefetch (older)"),
        ({"HTTP_X_MOZ": "prefetch"}, "a prefetch (Firefox)"),
        (
            {
                "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
            },
            "a crawler",
        ),
        ({"HTTP_USER_AGENT": "curl/8.5.0"}, "a script"),
        ({"HTTP_USER_AGENT": ""}, "no user agent"),
        ({"HTTP_COOKIE": "mosaic_nocount=1"}, "the owner's switch"),
    ],
)
def test_p12_these_visits_are_not_counted_but_answered_alike(site, site_link, headers, reason):
    client = Client(**{"HTTP_USER_AGENT": PHONE, **headers})
    response = view(client, site)
    click = client.get(f"/_m/c/{site.pk}/{site_link.key}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert click.status_code == 302
    assert click["Location"] == site_link.url
    assert flush() == 0, reason


def test_p12_the_owner_signed_in_here_is_not_counted(site, owner):
    owner_browser = browser_client()
    owner_browser.force_login(owner.user)
    view(owner_browser, site)
    flush()
    assert total(site, "page") == 0


def test_p12_the_owners_switch_sets_a_cookie_only_on_their_click_and_can_be_undone(site, owner):
    page = owner.client.get(f"/panel/stats/{site.pk}/")
    assert "mosaic_nocount" not in page.cookies

    response = owner.client.post("/panel/stats/my-visits/", {"count": "off", "site": site.pk})
    assert response.status_code == 302
    cookie = response.cookies["mosaic_nocount"]
    assert cookie.value == "1"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    signed_out = browser_client(HTTP_COOKIE="mosaic_nocount=1")
    view(signed_out, site)
    assert flush() == 0

    response = owner.client.post("/panel/stats/my-visits/", {"count": "on"})
    assert response.cookies["mosaic_nocount"]["max-age"] == 0
    assert owner.client.post("/panel/stats/my-visits/", {"count": "maybe"}).status_code == 400


def test_p12_unique_visitors_are_told_apart_within_a_day_only(site):
    with time_machine.travel(DAY, tick=False):
        for _ in range(3):
            view(browser_client(PHONE, "192.0.2.1"), site)
        view(browser_client(DESKTOP, "192.0.2.1"), site)
        view(browser_client(PHONE, "192.0.2.2"), site)
        flush()
        first = set(Event.objects.values_list("visitor", flat=True))
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        view(browser_client(PHONE, "192.0.2.1"), site)
        flush()

    assert total(site, "page") == 6
    counts = dict(DailyCount.objects.filter(kind="visitor").values_list("day", "count"))
    assert counts == {DAY.date(): 3, DAY.date() + dt.timedelta(days=1): 1}
    next_day = Event.objects.exclude(visitor__in=first).values_list("visitor", flat=True)
    assert len(next_day) == 1, "the same person hashes differently the next day"


def test_p12_salts_and_visitor_hashes_are_destroyed_48_hours_after_their_day_began(site):
    with time_machine.travel(DAY, tick=False):
        view(browser_client(), site)
        flush()
    assert DailySalt.objects.filter(day=DAY.date()).exists()
    assert DailyVisitor.objects.filter(day=DAY.date()).exists()
    day_start = dt.datetime.combine(DAY.date(), dt.time(), tzinfo=dt.UTC)

    with time_machine.travel(day_start + dt.timedelta(hours=47, minutes=59), tick=False):
        call_command("privacy_sweep", stdout=None)
        assert DailySalt.objects.filter(day=DAY.date()).exists()
    with time_machine.travel(day_start + dt.timedelta(hours=48), tick=False):
        from mosaic.stats.periodic import upkeep

        upkeep.call()
        assert not DailySalt.objects.exists()
        assert not DailyVisitor.objects.exists()
    assert total(site, "visitor") == 1, "the day's count stays; only the hashes go"


def test_raw_events_are_pruned_after_the_period_but_daily_counts_stay(site, settings):
    settings.STATS_EVENT_DAYS = 3
    with time_machine.travel(DAY, tick=False):
        view(browser_client(), site)
        flush()
    with time_machine.travel(DAY + dt.timedelta(days=3, minutes=1), tick=False):
        call_command("privacy_sweep", stdout=None)
    assert not Event.objects.exists()
    assert total(site, "page") == 1


@pytest.mark.parametrize(
    ("referrer", "kept"),
    [
        ("https://news.example.org/a/b?c=d", "news.example.org"),
        ("search.example.com", "search.example.com"),
        ("HTTPS://WWW.News.Example.ORG:8443/x", "news.example.org"),  # one host, one name
        ("https://www.example.org./", "example.org"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("https://203.0.113.7/", ""),  # an address is nobody's site name (P12)
        ("https://[2001:db8::1]/", ""),
        ("http://localhost:8000/", ""),
        ("__mosaic_referrer__", ""),  # the placeholder nobody filled in
        ("http://testserver/olivia/", ""),  # our own host: moving inside the site
        ("javascript:alert(1)", ""),
        ("https://exa mple.org/", ""),
    ],
)
def test_p12_only_a_referring_host_is_kept(site, referrer, kept):
    view(browser_client(), site, r=referrer)
    flush()
    assert Event.objects.get().referrer_host == kept


@pytest.mark.parametrize(
    "query",
    [
        {"p": "/x/", "k": "video"},
        {"k": "page"},
        {"p": "no-slash"},
        {"p": "/x\n/"},
        {"p": "/" + "a" * 400},
    ],
)
def test_a_bad_beacon_is_refused_with_a_clear_message(site, query):
    response = browser_client().get(f"/_m/v/{site.pk}.gif", query)
    assert response.status_code == 400
    assert b"Bad beacon" in response.content
    assert flush() == 0


def test_a_head_request_is_answered_but_not_counted(site, site_link):
    assert browser_client().head(f"/_m/v/{site.pk}.gif", {"p": "/x/"}).status_code == 200
    assert browser_client().head(f"/_m/c/{site.pk}/{site_link.key}/").status_code == 302
    assert flush() == 0


def test_an_unknown_site_or_method_is_refused(site):
    assert browser_client().get("/_m/v/999999.gif", {"p": "/x/"}).status_code == 404
    assert browser_client().post(f"/_m/v/{site.pk}.gif?p=/x/").status_code == 405
    assert browser_client().get("/_m/nothing-here").status_code == 404


def test_p12_a_forged_page_is_answered_but_not_counted(site):
    for path in (
        "/olivia/invented-page/",
        "/olivia/p/999999/",
        "/olivia/../oscar/",
        "/olivia/.hidden/",
        "/oscar/",  # another site's address
        "/olivia/index.html",  # a file, not a page address
        "/olivia/assets/",
    ):
        response = view(browser_client(), site, path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "image/gif"
    view(browser_client(), site, post_path(site, 2))
    assert flush() == 1  # only the real page
    assert Event.objects.get().path == post_path(site, 2)


def test_p12_a_page_removed_by_a_new_build_is_no_longer_counted(site, owner):
    gone = post_path(site, 4)
    owner.user.posts.order_by("-pk")[0].delete()
    publish_snapshot(site)
    view(browser_client(), site, gone)
    view(browser_client(), site, "/olivia/")
    assert flush() == 1


@pytest.mark.parametrize("change", ["private", "deleted", "quarantine", "unpublished"])
def test_p31_p08_views_of_a_site_nobody_may_see_are_not_counted(site, owner, change):
    if change == "private":
        Site.objects.filter(pk=site.pk).update(visibility="private")
    elif change == "deleted":
        Site.objects.filter(pk=site.pk).update(deleted_at=DAY)
    elif change == "quarantine":
        type(owner.user).objects.filter(pk=owner.user.pk).update(scheduled_deletion_at=DAY)
    else:
        Site.objects.filter(pk=site.pk).update(published=None)
    response = view(browser_client(), site, "/olivia/")
    assert response.status_code == 200  # answered alike: the pixel tells nothing
    assert flush() == 0
