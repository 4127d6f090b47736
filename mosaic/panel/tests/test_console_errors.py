"""No panel page logs a console error or asks for a missing file: signed in by hand, and signed
in the way ``python -m bench lighthouse`` signs Lighthouse's browser in. That once was a Cookie
header given to the browser (``--extra-headers``), which Chromium drops for its own cookies
once a page sets one: the editor's framed preview met the sign-in page (a ``frame-ancestors``
console error, best practices 92) and the photos page's thumbnails answered 404. Now the
session cookie is in the browser before Lighthouse starts (``tools.chromium_with_cookies``)."""

from __future__ import annotations

import pytest

from bench.bench_lighthouse import PAGES, signed_in_cookies
from bench.tools import chromium_with_cookies
from conftest import make_user
from mosaic.websites import services
from mosaic.websites.tests.conftest import make_post
from mosaic.websites.tests.test_browser_sites import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_served"),
]


@pytest.fixture
def site():
    user = make_user("olivia")
    for day in range(3):
        make_post(user, f"Day {day} at the harbour #sea", days=day)
    site = services.create_site(owner=user, slug="olivia", title="Olivia")
    services.add_link(site=site, label="Shop", url="https://shop.example/")
    services.publish(site=site)
    return site


def panel_pages(site_id: int) -> list[str]:
    return [
        "/panel/",
        "/panel/sites/",
        f"/panel/sites/{site_id}/",
        f"/panel/sites/{site_id}/posts/",
        f"/panel/stats/{site_id}/",
        "/panel/stats/",
        "/panel/instagram/",
        "/panel/data/",
        "/panel/security/",
        "/panel/email/",
        "/accounts/sessions/",
    ]


def watch(tab) -> list[str]:
    """Console errors, uncaught exceptions and answers of 404 or more on ``tab``, and the
    sign-in page wherever it shows up (framed or not): a lost session."""
    found: list[str] = []
    tab.on("console", lambda msg: found.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: found.append(str(exc)))

    def answered(response) -> None:
        # The method, status and the page it came from say which request it was, if it fails.
        request = f"{response.request.method} {response.url} (on {tab.url})"
        if response.status >= 400:
            found.append(f"{request} answered {response.status}")
        if "/accounts/login/" in response.url:
            found.append(f"{request} answered {response.status}: the session was lost")

    tab.on("response", answered)
    return found


def test_panel_pages_log_no_console_errors_signed_in_as_lighthouse_is(
    browser, live_server, site, tmp_path
):
    """The browser the bench gives Lighthouse (its session cookie, here development's
    ``sessionid``), a tab opened in it as Lighthouse opens one: every page, every frame and
    every thumbnail is still signed in, and nothing is logged as an error."""
    cookies = signed_in_cookies(site.owner, live_server.url, name="sessionid")
    chromium = browser.browser_type  # the session's Playwright (one sync Playwright at a time)
    with chromium_with_cookies(cookies, str(tmp_path / "profile"), browser_type=chromium) as port:
        lighthouses = chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        tab = lighthouses.contexts[0].new_page()
        tab.set_viewport_size({"width": 390, "height": 844})
        found = watch(tab)
        # The pages Lighthouse measures, then every panel page.
        paths = [path.format(id=site.pk) for path in PAGES.values()] + panel_pages(site.pk)
        for path in paths:
            tab.goto(live_server.url + path)
            tab.wait_for_load_state("networkidle")
            tab.evaluate(
                """async () => { for (const i of document.images) { i.loading = "eager";
                   if (!i.complete) await new Promise(r => { i.onload = i.onerror = r; }); } }"""
            )
        lighthouses.close()
    assert found == [], "\n".join(found)


def test_panel_pages_log_no_console_errors_signed_in_by_hand(page, site):
    """The ``page`` fixture fails the test on any console error or missing file."""
    sign_in(page)
    # The sign-in's own requests (its POST to /accounts/login/ among them) are over before
    # the watch starts: only the panel pages' answers are looked at.
    page.wait_for_load_state("networkidle")
    found = watch(page)
    for path in panel_pages(site.pk):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert found == [], "\n".join(found)
