"""Shared test set-up: personas, settings for isolation, and the Playwright browser."""

from __future__ import annotations

import functools
import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from mosaic.accounts.models import User
from mosaic.staff.roles import LEGAL, MODERATION, SECURITY, SUPPORT
from tests.dnsmasq import DnsServer

#: Fixtures every browser test may use (``media_served``), beside its constants and helpers.
pytest_plugins = ["tests.browser"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# while one is active unless told it is safe, which it is here (one thread drives both).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple 42"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@dataclass
class Persona:
    user: User
    password: str
    client: Client
    totp_secret: str = ""

    def totp_code(self) -> str:
        """The current code of the persona's authenticator app (operators have one, P25)."""
        from mosaic.accounts.tests.helpers import totp_code

        return totp_code(self.totp_secret)

    def sign_in(self, client: Client | None = None, *, confirm: bool = False, **options) -> Client:
        """Sign in through the real form (a fresh ``Client(**options)`` unless one is given);
        ``confirm`` also re-enters the password, as sensitive actions require (P32)."""
        client = client or Client(**options)
        response = client.post(
            "/accounts/login/", {"login": self.user.username, "password": self.password}
        )
        assert response.status_code == 302, "sign-in failed"
        if confirm:
            client.post("/accounts/reauthenticate/", {"password": self.password})
        return client


def sign_in_browser(page, persona: Persona) -> None:
    """Sign in through the real pages, with the authenticator code when one is asked for."""
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("^Username or email")).fill(persona.user.username)
    page.get_by_label(re.compile("^Password")).fill(persona.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if "/2fa/authenticate/" in page.url:
        page.get_by_label(re.compile("^Code")).fill(persona.totp_code())
        page.get_by_role("button", name=re.compile("^Sign in")).click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, f"sign-in stopped at {page.url}"


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed as production hashes (Argon2, its full cost), once per process: a hash
    takes ~0.15 s of CPU and most tests make a user or two; each sign-in still checks it."""
    return make_password(PASSWORD)


def make_user(username: str, *, email: str | None = None, verified: bool = True) -> User:
    email = email or f"{username}@example.com"
    user = User.objects.create(
        username=User.normalize_username(username),
        email=User.objects.normalize_email(email),
        password=password_hash(),
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture(autouse=True)
def _isolated(request, settings, tmp_path: Path) -> Iterator[None]:
    """Every test gets its own files, an immediate task backend, an empty cache and the
    default language.

    The cache holds rate-limit counters; it lives in the database (a table no test flush
    touches) or in Redis, so it is emptied around every test that can reach it. A request
    through LocaleMiddleware leaves its language active on the thread, and some texts (refusal
    reasons) are translated when read, so each test starts in LANGUAGE_CODE.
    """
    translation.activate(settings.LANGUAGE_CODE)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    uses_cache = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_cache:
        cache.clear()
    yield
    if uses_cache:
        cache.clear()


@pytest.fixture
def owner(db) -> Persona:
    """Olivia: a verified owner, signed in."""
    user = make_user("olivia")
    client = Client()
    client.force_login(user)
    return Persona(user=user, password=PASSWORD, client=client)


@pytest.fixture
def other_owner(db) -> Persona:
    """Oscar: another verified owner, signed in, who must never see Olivia's data."""
    user = make_user("oscar")
    client = Client()
    client.force_login(user)
    return Persona(user=user, password=PASSWORD, client=client)


@pytest.fixture
def visitor() -> Client:
    """Someone without an account."""
    return Client()


@pytest.fixture
def make_operator(db) -> Callable[..., Persona]:
    """An operator holding only ``role`` (mosaic.staff.roles), with an authenticator app,
    signed in."""

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    def make(role: str, username: str | None = None) -> Persona:
        user = make_user(username or f"{role}-operator")
        user.groups.add(Group.objects.get(name=role))
        secret = generate_totp_secret()
        TOTP.activate(user, secret)  # P25: every operator signs in with a second factor
        client = Client()
        client.force_login(user)
        return Persona(user=user, password=PASSWORD, client=client, totp_secret=secret)

    return make


@pytest.fixture
def support_operator(make_operator) -> Persona:
    """Sam from support: accounts and correction requests."""
    return make_operator(SUPPORT, "sam")


@pytest.fixture
def security_operator(make_operator) -> Persona:
    """Selma from security: sealed archives, case by case, and the audit log."""
    return make_operator(SECURITY, "selma")


@pytest.fixture
def legal_operator(make_operator) -> Persona:
    """Lena from legal: legal requests and holds."""
    return make_operator(LEGAL, "lena")


@pytest.fixture
def moderation_operator(make_operator) -> Persona:
    """Max from moderation: abuse reports and blocks."""
    return make_operator(MODERATION, "max")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield CookieCollectingBrowser(chromium)
        chromium.close()


#: P13: every cookie a browser test ended with, by name, with the tests that saw it; checked
#: against the policy's inventory when the session ends (``pytest_sessionfinish``).
BROWSER_COOKIES: dict[str, set[str]] = {}
#: The test running now (``pytest_runtest_setup``), to name it beside the cookies it saw.
CURRENT_TEST = ""


def collect_cookies(context) -> None:
    for cookie in context.cookies():
        BROWSER_COOKIES.setdefault(cookie["name"], set()).add(CURRENT_TEST)


def collect_set_cookie(response) -> None:
    """Every ``Set-Cookie`` a page answered with, even one that deletes its cookie at once."""
    for header in response.header_values("set-cookie"):
        for line in header.splitlines():  # Playwright joins repeated headers with newlines
            name = line.split("=", 1)[0].strip()
            if name:
                BROWSER_COOKIES.setdefault(name, set()).add(CURRENT_TEST)


class CookieCollectingBrowser:
    """The session's Chromium: every context a test opens (through ``page``, ``new_context`` or
    ``new_page``) has each ``Set-Cookie`` it receives collected for the P13 check, and the
    cookies it holds when it closes, or at the end of the test if the test left it open."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("response", collect_set_cookie)
        close = context.close

        def collect_then_close(*args, **kwargs):
            collect_cookies(context)
            return close(*args, **kwargs)

        context.close = collect_then_close
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def close_leftovers(self) -> None:
        for context in self._browser.contexts:
            context.close()


def pytest_runtest_setup(item) -> None:
    global CURRENT_TEST
    CURRENT_TEST = item.nodeid


@pytest.fixture(autouse=True)
def _browser_contexts_closed(request) -> Iterator[None]:
    """A context a browser test leaves open is closed (its cookies collected, P13) when the test
    ends, so no test's cookies escape the check and no tab outlives its test."""
    yield
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").close_leftovers()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs) -> None:
    """Each pytest-xdist worker gets a Redis database of its own, the next numbers after the one
    REDIS_URL (or TEST_REDIS_URL) names: the suite empties its database around every test
    (``_isolated``), which would wipe a neighbour's rate limits, queue and buffered stats.
    Set in the worker's environment before it starts, so Django's settings and the child
    processes a test starts (``tests.processes``) see the same database."""
    for number, spec in enumerate(specs):
        for name in ("REDIS_URL", "TEST_REDIS_URL"):
            if os.environ.get(name):
                spec.env[name] = redis_database(os.environ[name], offset=number)


def redis_database(url: str, *, offset: int) -> str:
    """``redis://host:port/N`` -> the same server's database N + offset."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + offset
    return parts._replace(path=f"/{number}").geturl()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """Under pytest-xdist, the cookies each worker's browser tests saw, for the P13 check."""
    for name, tests in getattr(node, "workeroutput", {}).get("browser_cookies", {}).items():
        BROWSER_COOKIES.setdefault(name, set()).update(tests)


def pytest_sessionfinish(session, exitstatus) -> None:
    """P13: a cookie any browser test was given and the policy does not declare fails the run.
    A pytest-xdist worker hands its cookies to the main process, which checks them all."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["browser_cookies"] = {
            name: sorted(tests) for name, tests in BROWSER_COOKIES.items()
        }
        return
    if not BROWSER_COOKIES:
        return
    from mosaic.policy.cookies import declared_names

    undeclared = {
        name: sorted(tests)
        for name, tests in BROWSER_COOKIES.items()
        if name not in declared_names()
    }
    if undeclared:
        print(f"\nP13: browser tests were given cookies the policy does not declare: {undeclared}")
        session.exitstatus = 1


@pytest.fixture
def page(browser, live_server):
    """A fresh phone-sized browser tab; fails the test on any console error (CSP included).
    The cookies it ends with are collected for the P13 check (``BROWSER_COOKIES``)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on(
        "requestfinished",
        lambda request: (
            errors.append(f"{request.url} answered {response.status}")
            if (response := request.response()) and response.status == 404
            else None
        ),
    )
    yield tab
    context.close()  # collects its cookies (CookieCollectingBrowser)
    assert not errors, f"browser console errors: {errors}"


class SmtpCatcher:
    """A real local SMTP server's handler (aiosmtpd): keeps each message; refuses the first
    ``refuse`` ones with a temporary error, as a busy server does."""

    def __init__(self, refuse: int = 0) -> None:
        self.messages: list[Message] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """``with mailed(): ...``: the emails written inside are sent at the end, as after a
    commit (tests run in one transaction that never commits)."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def mail_retries(django_capture_on_commit_callbacks):
    """Run the mail queue's retries as the scheduler would: move time to each waiting email's
    next attempt and run ``mail.send_due``, until none is waiting. Returns how many rounds."""
    import time_machine

    from mosaic.mail.models import Delivery
    from mosaic.mail.services import RETRY_DELAYS, hand_due

    def run() -> int:
        for rounds in range(len(RETRY_DELAYS) + 2):
            waiting = (
                Delivery.objects.filter(status__in=["queued", "sending"])
                .order_by("next_attempt_at")
                .first()
            )
            if waiting is None:
                return rounds
            when = waiting.next_attempt_at
            with (
                time_machine.travel(when, tick=False),
                django_capture_on_commit_callbacks(execute=True),
            ):
                hand_due()
        raise AssertionError("emails still waiting after every retry")

    return run


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpCatcher]:
    """Mail goes out over SMTP to a real server on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    catcher = SmtpCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    yield catcher
    controller.stop()


@pytest.fixture
def dns_server(settings, tmp_path: Path) -> Iterator[DnsServer]:
    """A real DNS server (Debian's dnsmasq) on a free loopback port, the only one Mosaic asks
    (``DNS_RESOLVERS``); it answers the records the test sets and NXDOMAIN for anything else.
    See tests/dnsmasq.py."""
    server = DnsServer(log=tmp_path / "dnsmasq.log")
    server.start()
    settings.DNS_RESOLVERS = [server.address]
    yield server
    server.stop()
