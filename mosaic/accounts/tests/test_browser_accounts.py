"""What a person clicks through: sign-up to two-factor sign-in, new-device alert, throttling."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from conftest import CHROMIUM_ARGS, PASSWORD, make_user  # noqa: F401
from mosaic.accounts.tests.helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _emails_in_the_outbox(settings):
    settings.EMAIL_BACKEND = "mosaic.lib.outbox.OutboxEmailBackend"


def field(page, name: str):
    """The input labelled exactly ``name`` (allauth's labels end in a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(name)}:?$"))


def open_latest_email(page, subject: str) -> str:
    page.goto("/dev/outbox/")
    page.get_by_role("link", name=re.compile(subject)).first.click()
    return page.locator(".email-body").inner_text()


def test_sign_up_verify_enrol_two_factor_sign_out_and_back_in_with_a_code(page):
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, 0, 0, tzinfo=dt.UTC), tick=True):
        page.goto("/")
        page.get_by_role("link", name="Create your site").click()
        field(page, "Email").fill("nadia@example.com")
        field(page, "Username").fill("nadia")
        field(page, "Password").fill(PASSWORD)
        field(page, "Password (again)").fill(PASSWORD)
        page.get_by_role("button", name="Sign up", exact=True).click()
        page.get_by_role("heading", name="Check your email").wait_for()

        body = open_latest_email(page, "Please Confirm Your Email Address")
        link = re.search(r"http://\S+/accounts/confirm-email/\S+/", body)
        assert link
        page.get_by_role("link", name=link.group(0)).click()
        page.get_by_role("button", name="Confirm").click()
        page.get_by_role("heading", name="Welcome, nadia").wait_for()

        page.get_by_role("link", name="Security", exact=True).click()
        page.get_by_role("link", name="Two-factor authentication").click()
        page.get_by_role("link", name="Set up an authenticator app").click()
        field(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        secret = page.locator("#authenticator_secret").input_value()
        field(page, "Authenticator code").fill(totp_code(secret))
        page.get_by_role("button", name="Turn on").click()
        page.get_by_role("heading", name="Recovery Codes").wait_for()

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("link", name="Sign in").first.click()
        field(page, "Username or email").fill("nadia")
        field(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        field(page, "Code").fill(totp_code(secret, offset_periods=1))
        with time_machine.travel(dt.datetime(2026, 11, 21, 12, 0, 31, tzinfo=dt.UTC), tick=True):
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.get_by_role("heading", name="Welcome, nadia").wait_for()


def test_p19_signing_in_from_a_new_browser_sends_an_alert(page, browser, live_server):
    make_user("olivia")
    for agent in (None, OTHER_BROWSER):
        context = browser.new_context(base_url=live_server.url, user_agent=agent)
        tab = context.new_page()
        tab.goto("/accounts/login/")
        field(tab, "Username or email").fill("olivia")
        field(tab, "Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in", exact=True).click()
        tab.get_by_role("heading", name="Welcome, olivia").wait_for()
        context.close()

    body = open_latest_email(page, "New sign-in to your account")

    assert "Safari on iOS" in body
    assert "127.0.0.0/16" in body
    page.locator("a[href$='/accounts/sessions/']").wait_for()


def test_repeated_wrong_passwords_are_throttled(page):
    make_user("olivia")
    page.goto("/accounts/login/")
    for _ in range(6):
        field(page, "Username or email").fill("olivia")
        field(page, "Password").fill("not the password")
        page.get_by_role("button", name="Sign in", exact=True).click()

    page.get_by_text("Too many failed login attempts").wait_for()

    field(page, "Username or email").fill("olivia")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Too many failed login attempts").wait_for()


def test_a_passkey_can_be_added_and_then_used_to_sign_in(page, browser, live_server):
    make_user("olivia")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto("/accounts/login/")
    field(page, "Username or email").fill("olivia")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto("/accounts/2fa/webauthn/add/")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    field(page, "Name").fill("Phone")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("heading", name="Recovery Codes").or_(
        page.get_by_text("Phone")
    ).first.wait_for()
    page.get_by_role("button", name="Sign out").click()

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()

    page.get_by_role("heading", name="Welcome, olivia").wait_for()
