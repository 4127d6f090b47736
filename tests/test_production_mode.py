"""Production mode (`MOSAIC_ENV=production`): Django's deploy checks pass and responses carry
every security header and cookie flag.

The headers are checked on a real Granian serving the app in production mode, because settings
are read once per process: only a fresh process shows what production would send, WhiteNoise and
the proxy's `X-Forwarded-Proto` included.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.processes import (
    MANAGE,
    PYTHON,
    free_port,
    manage,
    production_env,
    start,
    stop,
    wait_for,
)

GRANIAN = str(Path(PYTHON).parent / "granian")
USERNAME = "prodcheck"
PASSWORD = "a long production password 93"
CREATE_USER = f"""
from allauth.account.models import EmailAddress
from mosaic.accounts.models import User
user = User.objects.create_user("{USERNAME}", "{USERNAME}@example.com", "{PASSWORD}")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


GROWTH = {
    "DATABASE_URL": "postgres://mosaic@db.internal:5432/mosaic",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


@pytest.mark.parametrize("setup", [{}, GROWTH], ids=["defaults", "postgresql-and-redis"])
def test_check_deploy_reports_no_issues_in_production(tmp_path, setup):
    done = subprocess.run(
        [*MANAGE, "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_env(MOSAIC_VAR_DIR=str(tmp_path), **setup),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stderr + done.stdout


def test_production_refuses_to_start_with_a_short_secret_key(tmp_path):
    done = subprocess.run(
        [*MANAGE, "check"],
        env=production_env(MOSAIC_VAR_DIR=str(tmp_path), SECRET_KEY="too-short"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set to 50+ random characters" in done.stderr


@dataclass
class Server:
    url: str

    def get(self, path: str, **kwargs) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        return httpx.get(self.url + path, headers=headers, timeout=10, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """Granian in production mode, started as docs/operations.md starts it (one worker here),
    behind a pretend TLS proxy (it sends X-Forwarded-Proto)."""
    var = tmp_path_factory.mktemp("production-var")
    port = free_port()
    env = production_env(MOSAIC_VAR_DIR=str(var), SECURE_SSL_REDIRECT="false")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("shell", "-c", CREATE_USER, env=env)
    log = var / "granian.log"
    command = [
        GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--blocking-threads", "4", "--no-ws", "--no-access-log",
        "--workers-kill-timeout", "25", "--respawn-failed-workers",
        "mosaic.wsgi:application",
    ]  # fmt: skip
    process = start(command, env=env, log=log)
    running = Server(url=f"http://127.0.0.1:{port}")

    def answers() -> bool:
        try:
            status = running.get("/accounts/login/").status_code
        except httpx.HTTPError:
            return False
        assert status == 200, f"the login page answered {status}:\n{log.read_text()[-4000:]}"
        return True

    try:
        wait_for(answers, what="Granian to serve the login page", log=log)
        yield running
    finally:
        stop(process)


def cookie_header(response: httpx.Response, name: str) -> str:
    matches = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    assert len(matches) == 1, response.headers.get_list("set-cookie")
    return matches[0]


def assert_host_only_secure_cookie(header: str) -> None:
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite"} <= attributes, header
    assert "domain" not in attributes, header  # a __Host- cookie must not name a domain
    assert "Path=/" in header


def test_production_pages_carry_every_security_header(server):
    response = server.get("/accounts/login/")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=63072000; includeSubDomains; preload"
    )
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.text  # no inline script for the CSP to forbid


def test_production_cookies_are_secure_http_only_and_host_bound(server):
    page = server.get("/accounts/login/")
    csrf_cookie = cookie_header(page, "__Host-csrftoken")
    assert_host_only_secure_cookie(csrf_cookie)
    csrf_value = csrf_cookie.split(";")[0].split("=", 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token

    signed_in = httpx.post(
        server.url + "/accounts/login/",
        data={"login": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={
            "X-Forwarded-Proto": "https",
            "Origin": server.url.replace("http://", "https://"),
            "Cookie": f"__Host-csrftoken={csrf_value}",
        },
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    session_cookie = cookie_header(signed_in, "__Host-sessionid")
    assert_host_only_secure_cookie(session_cookie)
    assert "SameSite=Lax" in session_cookie


def test_production_shows_no_debug_page_and_no_development_outbox(server):
    missing = server.get("/no-such-page/")
    assert missing.status_code == 404
    assert "Django tried these URL patterns" not in missing.text
    assert server.get("/dev/outbox/").status_code == 404


def test_production_serves_static_files_with_long_lived_caching(server):
    login = server.get("/accounts/login/").text
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', login)
    assert stylesheet, "the login page links a stylesheet"
    response = server.get(stylesheet.group(1))
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
