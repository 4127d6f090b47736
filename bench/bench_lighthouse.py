"""Lighthouse for the public themes and the owner's panel, and the weight of the editor.

Everything runs in a throwaway database and folder, through the production setup (nginx with
TLS in front of Granian, deploy/nginx/mosaic.conf), on loopback:
- ``site.lighthouse_<category>_<theme>``: the 600-post site of bench_site in each theme
  (targets: performance >= 98, the other three 100);
- ``panel.lighthouse_<category>_<page>``: the editor, the photos page (600 posts, 60 a page) and
  the statistics page, signed in (a session cookie in the browser, ``signed_in_cookies``; targets:
  accessibility and best practices 100, performance >= 90);
- ``panel.editor_first_view_kb``: gzip bytes to show the editor: its page, stylesheet and
  scripts, and the preview page it frames with that page's stylesheet (goal <= 60 KiB).
Run: ``python -m bench lighthouse``.
"""

from __future__ import annotations

import gzip
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench import tools
from bench.bench_site import (
    THEMES,
    Metric,
    _granian,
    _make_content,
    _production_config,
    _publish,
    _set_theme,
)

if TYPE_CHECKING:
    from mosaic.accounts.models import User

PAGES = {"editor": "/panel/sites/{id}/", "photos": "/panel/sites/{id}/posts/"}
PAGES["statistics"] = "/panel/stats/{id}/"


def run() -> Iterator[Metric]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        base.chmod(0o755)  # nginx workers run as another user when started by root
        media, sites, db = base / "media", base / "sites", base / "bench.sqlite3"
        secret = secrets.token_urlsafe(64)  # the app's, so a session made here is valid there
        with override_settings(
            MEDIA_ROOT=media,
            WEBSITES_PUBLISHED_ROOT=str(sites),
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
            SECRET_KEY=secret,
            ALLOWED_HOSTS=["testserver", "127.0.0.1"],
        ):
            original = connection.settings_dict["NAME"]
            connection.settings_dict["TEST"]["NAME"] = str(db)  # a throwaway database
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                yield from _measure(base, media, sites, db, secret)
            finally:
                connection.creation.destroy_test_db(original, verbosity=0)


def _measure(base: Path, media: Path, sites: Path, db: Path, secret: str) -> Iterator[Metric]:
    from mosaic.websites.models import Site

    site_id = _make_content(media)
    owner = Site.objects.get(pk=site_id).owner
    yield "panel.editor_first_view_kb", _editor_first_view_kb(owner, site_id), "KiB"

    from tests.processes import manage, production_env

    # Production serves the stylesheet and scripts collected, with hashed names.
    manage("collectstatic", "--noinput", "-v0", env=production_env(MOSAIC_VAR_DIR=str(base)))
    app_port = tools.free_port()
    app = _granian(app_port, db, media, sites, SECRET_KEY=secret, MOSAIC_VAR_DIR=str(base))
    try:
        tools._wait_for_port(app_port, app, attempts=1200)  # slow to start on a busy machine
        with tools.nginx(_production_config(base, app_port)) as port:
            origin = f"https://127.0.0.1:{port}"
            for theme in THEMES:
                with override_settings(SITE_URL=origin):
                    _set_theme(site_id, theme)
                    _publish(site_id)
                scores = tools.lighthouse(f"{origin}/bench-site/")
                for category, score in scores.items():
                    yield f"site.lighthouse_{category}_{theme}", score, "/100"
            cookies = signed_in_cookies(owner, origin)
            for page, path in PAGES.items():
                url = origin + path.format(id=site_id)
                scores = tools.lighthouse(url, cookies=cookies)
                for category, score in scores.items():
                    yield f"panel.lighthouse_{category}_{page}", score, "/100"
    finally:
        app.terminate()
        app.wait(timeout=30)


def _session_key(user: User) -> str:
    """A signed-in session for ``user`` in the bench database, as signing in makes one."""
    client = Client()
    client.force_login(user)
    return client.session.session_key or ""


def signed_in_cookies(
    user: User, origin: str, *, name: str = "__Host-sessionid"
) -> list[dict[str, Any]]:
    """The session cookie that signs Lighthouse's browser in as ``user`` (``tools.lighthouse``
    puts it in the browser before Lighthouse starts).

    Given as a Cookie header (``--extra-headers``), the session went with the first request
    only: Chromium replaces that header with its own cookies once a page sets one (Django's
    CSRF cookie, on every page with a form). The editor's framed preview then met the sign-in
    page (``frame-ancestors 'none'``: a console error, best practices 92) and the photos
    page's thumbnails answered 404. ``name``: production's session cookie by default."""
    return [
        {
            "name": name,
            "value": _session_key(user),
            "url": origin + "/",
            "httpOnly": True,
            "secure": origin.startswith("https:"),
            "sameSite": "Lax",
        }
    ]


def _editor_first_view_kb(user: User, site_id: int) -> float:
    """Gzip bytes of what the editor needs to show: the page, every stylesheet and script it
    links, the preview page it frames and the preview's stylesheet (images aside)."""
    client = Client()
    client.force_login(user)
    total = 0
    for page in (f"/panel/sites/{site_id}/", f"/panel/sites/{site_id}/preview/"):
        html = client.get(page).content
        total += len(gzip.compress(html, 9))
        for asset in re.findall(rb'(?:href|src)="([^"]+\.(?:css|js))"', html):
            response = client.get(urljoin(page, asset.decode()))
            body = response.getvalue()  # streamed (static files) or not
            total += len(gzip.compress(body, 9))
    return total / 1024
