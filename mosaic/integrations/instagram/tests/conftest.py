"""Instagram test set-up: the stand-in as a real HTTP server on a free loopback port, with the
app's Instagram settings pointed at it, and a throwaway token-encryption key."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
from mosaic.integrations.instagram.standin.server import StandInServer
from mosaic.lib.crypto import generate_key
from tests.processes import production_env

APP_ID = "test-app-id"
APP_SECRET = "test-app-secret"


@pytest.fixture(autouse=True)
def _token_key(settings) -> None:
    settings.TOKEN_ENCRYPTION_KEYS = [generate_key()]


@pytest.fixture
def stand_in(settings) -> Iterator[StandInServer]:
    server = StandInServer(app_id=APP_ID, app_secret=APP_SECRET)
    url = server.start()
    settings.INSTAGRAM_APP_ID = APP_ID
    settings.INSTAGRAM_APP_SECRET = APP_SECRET
    settings.INSTAGRAM_AUTHORIZE_URL = f"{url}/oauth/authorize"
    settings.INSTAGRAM_API_URL = url
    settings.INSTAGRAM_GRAPH_URL = url
    settings.INSTAGRAM_MEDIA_HOSTS = ["127.0.0.1"]
    settings.INSTAGRAM_ALLOW_INSECURE_MEDIA = True
    settings.SITE_URL = "http://testserver"
    yield server
    server.stop()


def consent(authorize_url: str, *, decision: str = "allow", username: str = "olivia.makes") -> str:
    """Do what the owner does on the stand-in's consent page; returns where it redirects."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    base = authorize_url.split("?", 1)[0]
    page = httpx.get(authorize_url)
    assert page.status_code == 200
    answer = httpx.post(
        base,
        data={
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "state": query.get("state", ""),
            "scope": query.get("scope", ""),
            "username": username,
            "decision": decision,
        },
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


def connect(client, *, username: str = "olivia.makes"):
    """The whole Connect flow through the panel; returns the final panel response."""
    start = client.get("/panel/instagram/connect/")
    assert start.status_code == 302
    location = consent(start["Location"], username=username)
    callback = location.removeprefix("http://testserver").split("#", 1)[0]
    return client.get(callback, follow=True)


def connection_with_token(
    user, stand_in: StandInServer, *, age: timedelta, username: str = "olivia.makes"
):
    """A connection whose token the stand-in issued ``age`` ago (60-day lifetime)."""
    issued = timezone.now() - age
    token = stand_in.state.issue_token(username, issued_at=issued.timestamp())
    return InstagramConnection.objects.create(
        user=user,
        instagram_user_id="17841400000000001",
        username=username,
        access_token=token,
        token_issued_at=issued,
        token_expires_at=issued + timedelta(days=60),
    )


def production_settings(code: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter as production would, then run ``code``."""
    env = production_env(MOSAIC_VAR_DIR=str(django_settings.VAR_DIR), **extra)
    return subprocess.run(
        [sys.executable, "-c", f"import mosaic.settings as s\n{code}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=django_settings.BASE_DIR,
    )


@pytest.fixture
def tasks(django_capture_on_commit_callbacks):
    """``with tasks(): ...`` runs, when the block ends, what was enqueued on commit (tasks run
    at once with the test settings' immediate backend, continuations included)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def sync(tasks):
    """``sync(user, kind)``: start a sync and run its tasks; returns the run as it ended."""

    def _sync(user, kind=ImportRun.Kind.FULL) -> ImportRun:
        with tasks():
            run = runs.start_sync(user=user, kind=kind)
        return ImportRun.objects.get(pk=run.pk)

    return _sync
