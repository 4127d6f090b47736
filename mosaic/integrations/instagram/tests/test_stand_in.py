from __future__ import annotations

import os
import socket
import subprocess
import sys

import httpx
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from mosaic.integrations.instagram.tests.conftest import APP_ID, APP_SECRET, consent

pytestmark = pytest.mark.django_db

REDIRECT = "http://testserver/panel/instagram/callback/"


def authorize_url(base: str, **overrides: str) -> str:
    query = {
        "client_id": APP_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "instagram_business_basic",
        "state": "s1",
        **overrides,
    }
    return str(httpx.URL(f"{base}/oauth/authorize", params=query))


def code_from(location: str) -> str:
    return httpx.URL(location.split("#")[0]).params["code"]


def exchange(base: str, code: str, redirect_uri: str = REDIRECT) -> httpx.Response:
    form = {
        "client_id": APP_ID,
        "client_secret": APP_SECRET,
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
        "code": code,
    }
    return httpx.post(f"{base}/oauth/access_token", data=form)


def test_the_consent_page_names_the_app_and_the_scopes(stand_in):
    page = httpx.get(authorize_url(stand_in.base_url))
    assert page.status_code == 200
    assert "Allow <em>test-app-id</em>" in page.text
    assert "instagram_business_basic" in page.text
    assert 'type="password"' not in page.text


def test_an_unknown_app_id_is_refused(stand_in):
    assert httpx.get(authorize_url(stand_in.base_url, client_id="other")).status_code == 400


def test_a_code_works_once_and_only_with_its_redirect_uri(stand_in):
    code = code_from(consent(authorize_url(stand_in.base_url)))
    assert exchange(stand_in.base_url, code, "http://elsewhere/cb").status_code == 400
    code = code_from(consent(authorize_url(stand_in.base_url)))
    assert exchange(stand_in.base_url, code).status_code == 200
    again = exchange(stand_in.base_url, code)
    assert again.status_code == 400
    assert "used or has expired" in again.json()["error_message"]


def test_errors_can_be_ordered_over_http(stand_in):
    token = stand_in.state.issue_token("olivia.makes")
    answer = httpx.post(
        f"{stand_in.base_url}/_stand_in/fail", data={"kind": "invalid_token", "times": "2"}
    )
    assert answer.json() == {"failures": 2}
    for _ in range(2):
        me = httpx.get(f"{stand_in.base_url}/v23.0/me", params={"access_token": token})
        assert me.json()["error"]["code"] == 190
    assert (
        httpx.get(f"{stand_in.base_url}/v23.0/me", params={"access_token": token}).status_code
        == 200
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_management_command_serves_the_stand_in():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "instagram_stand_in", "--port", str(port), "--quiet"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "MOSAIC_ENV": "development"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().decode()  # printed once the socket is bound
        assert f"127.0.0.1:{port}" in banner
        page = httpx.get(
            f"http://127.0.0.1:{port}/oauth/authorize",
            params={"client_id": "mosaic-stand-in", "redirect_uri": REDIRECT},
        )
        assert page.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_stand_in_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="development and tests only"):
        call_command("instagram_stand_in", "--port", "0")
