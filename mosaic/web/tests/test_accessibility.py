"""WCAG 2.x AA checks by axe-core in Chromium, on every page of the foundation, in both themes."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.mail import send_mail

from conftest import make_user
from tests.browser import WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()

PUBLIC_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/", "/nope/"]
OWNER_PAGES = [
    "/panel/",
    "/panel/security/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/dev/outbox/",
]


def violations(page, path: str) -> list[str]:
    page.goto(path)
    results = AXE.run(page, options=WCAG_AA)
    return [
        f"{path}: {item['id']} ({len(item['nodes'])}): {item['nodes'][0]['html'][:120]}"
        for item in results.response["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_in_light_and_dark(browser, live_server, settings, scheme):
    settings.EMAIL_BACKEND = "mosaic.lib.outbox.OutboxEmailBackend"
    send_mail("A message", "Body", None, ["olivia@example.com"])
    make_user("olivia")
    context = browser.new_context(
        base_url=live_server.url, color_scheme=scheme, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    found = [problem for path in PUBLIC_PAGES for problem in violations(page, path)]

    page.goto("/accounts/login/")
    page.locator("#id_login").fill("olivia")
    page.locator("#id_password").fill("correct horse battery staple 42")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/panel/")
    found += [problem for path in OWNER_PAGES for problem in violations(page, path)]
    context.close()

    assert found == []
