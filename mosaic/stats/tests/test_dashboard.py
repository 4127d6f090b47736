"""The owner's dashboard: owner-only, the numbers sent, charts with text alternatives, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation

from mosaic.billing.models import Subscription
from mosaic.stats.models import DailyCount
from mosaic.stats.services import flush
from mosaic.stats.tests.conftest import DESKTOP, PHONE, browser_client, post_path, view

DAY = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def _traffic(site, link) -> None:
    for number in range(4):
        view(browser_client(PHONE, f"192.0.2.{number}"), site, "/olivia/", r="news.example.org")
    view(browser_client(DESKTOP), site, post_path(site, 3), "photo")
    view(browser_client(DESKTOP), site, post_path(site, 3), "photo")
    browser_client(PHONE, "192.0.2.1").get(f"/_m/c/{site.pk}/{link.key}/")
    flush()


@pytest.mark.django_db
def test_the_owner_sees_views_visitors_clicks_ctr_and_the_top_lists(site, site_link, owner):
    with time_machine.travel(DAY, tick=False):
        _traffic(site, site_link)
        response = owner.client.get(f"/panel/stats/{site.pk}/")

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.views, report.visitors, report.clicks) == (6, 5, 1)
    assert f"{report.ctr:.1f}" == "16.7"
    assert [(row.label, row.count) for row in report.photos] == [(post_path(site, 3), 2)]
    assert [(row.label, row.count) for row in report.links] == [("My shop", 1)]
    assert [(row.label, row.count) for row in report.referrers] == [("news.example.org", 4)]
    assert {row.label: row.count for row in report.devices} == {"Phone": 4, "Desktop": 2}
    html = response.content.decode()
    assert html.count("<svg") == 3
    assert 'role="img"' in html
    assert "<desc" in html
    assert "<caption>" in html


@pytest.mark.django_db
def test_the_periods_and_a_bad_one(site, owner):
    DailyCount.objects.create(
        site=site, day=DAY.date() - dt.timedelta(days=20), kind="page", dimension="total", count=5
    )
    with time_machine.travel(DAY, tick=False):
        assert owner.client.get(f"/panel/stats/{site.pk}/").context["report"].views == 0
        assert owner.client.get(f"/panel/stats/{site.pk}/?days=30").context["report"].views == 5
        # The free plan's history is 30 days; the paid plan's 90 (billing.plans).
        refused = owner.client.get(f"/panel/stats/{site.pk}/?days=90")
        assert refused.status_code == 400
        assert "paid plan" in refused.content.decode()
        Subscription.objects.create(user=owner.user, provider="offline", status="active")
        assert (
            len(owner.client.get(f"/panel/stats/{site.pk}/?days=90").context["report"].series) == 90
        )
        for bad in ("8", "abc", "-7", "9" * 30):
            response = owner.client.get(f"/panel/stats/{site.pk}/?days={bad}")
            assert response.status_code == 400
            assert b"7, 30 or 90" in response.content


@pytest.mark.django_db
def test_another_owner_and_a_visitor_cannot_see_a_sites_statistics(site, other_owner, visitor):
    for path in (f"/panel/stats/{site.pk}/", f"/panel/stats/{site.pk}/csv/"):
        assert other_owner.client.get(path).status_code == 404
        assert visitor.get(path).status_code == 302  # to the sign-in page
    assert other_owner.client.get("/panel/stats/999999/").status_code == 404


@pytest.mark.django_db
def test_the_csv_download_has_the_same_numbers(site, site_link, owner):
    site_link.label = "=HYPERLINK(1)"
    site_link.url = "=cmd|' /C calc'!A0"
    site_link.save()
    with time_machine.travel(DAY, tick=False):
        _traffic(site, site_link)
        response = owner.client.get(f"/panel/stats/{site.pk}/csv/?days=7")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "views", "unique_visitors", "link_clicks", "ctr_percent"]
    assert rows[7] == ["2026-03-10", "6", "5", "1", "16.7"]
    assert ["referring_site", "news.example.org", "4"] in rows
    assert all(not cell.startswith("=") for row in rows for cell in row), "no formula injection"


@pytest.mark.django_db
def test_the_overview_lists_only_the_owners_sites(site, owner, other_owner):
    from mosaic.websites.models import Site

    Site.objects.create(owner=other_owner.user, slug="oscar", title="Oscar's")
    html = owner.client.get("/panel/stats/").content.decode()
    assert "Olivia&#x27;s photos" in html
    assert "Oscar" not in html
    assert f"/panel/stats/{site.pk}/" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_numbers_on_the_dashboard_equal_the_events_sent(page, live_server, owner, site, site_link):
    """Views and clicks go over real HTTP to the live server; the phone-sized dashboard shows
    exactly those numbers."""
    views, clicks = 23, 4
    with httpx.Client(base_url=live_server.url, headers={"User-Agent": PHONE}) as client:
        for number in range(views):
            answer = client.get(
                f"/_m/v/{site.pk}.gif",
                params={"p": "/olivia/", "k": "page"},
                headers={"X-Forwarded-For": f"192.0.2.{number % 10}"},
            )
            assert answer.status_code == 200
        for _ in range(clicks):
            answer = client.get(f"/_m/c/{site.pk}/{site_link.key}/", follow_redirects=False)
            assert answer.headers["location"] == site_link.url
    flush()

    cookie = owner.client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto("/panel/stats/")
    page.get_by_role("link", name="Olivia's photos").click()
    page.wait_for_url(f"**/panel/stats/{site.pk}/")  # a click only starts the navigation
    assert page.locator("[data-metric=views]").inner_text() == str(views)
    assert page.locator("[data-metric=clicks]").inner_text() == str(clicks)
    assert page.locator("[data-metric=visitors]").inner_text() == "1"  # one address, one agent
    assert page.locator("[data-metric=ctr]").inner_text() == f"{100 * clicks / views:.1f}%"
    assert page.get_by_role("img", name="Views").count() == 1
    assert page.locator("#links-table").get_by_text("My shop").count() == 1
    page.get_by_role("link", name="30 days").click()
    page.wait_for_url("**?days=30")
    assert page.locator("[data-metric=views]").inner_text() == str(views)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"


@pytest.mark.django_db
def test_the_dashboard_speaks_russian(site, owner):
    owner.client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ru"
    try:
        html = owner.client.get(f"/panel/stats/{site.pk}/?days=30").content.decode()
    finally:
        translation.activate(django_settings.LANGUAGE_CODE)  # the request left Russian active
    assert "Уникальные посетители" in html
    assert "30 дней" in html
    assert "учитывать мои посещения из этого браузера" in html
