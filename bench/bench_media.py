"""Media visibility (P31): what each way of guarding photos costs, measured on one machine.

Two designs were on the table (docs/operations.md, "Media and visibility"): ask the app about
every file (nginx ``auth_request`` or ``X-Accel-Redirect`` for all media), or keep public copies
of exactly what public sites show, which nginx (or a CDN) serves without asking, and check only
the rest. This measures both paths through the production nginx (deploy/nginx/mosaic.conf) in
front of Granian in production mode, 32 connections for 10 s each, and the cost of moving a
600-photo site between them:

- ``media.public_rps``: a public copy, nginx alone (what public sites cost in the chosen design);
- ``media.checked_rps``: a file of an unlisted site through the app's check and X-Accel-Redirect
  (what *every* image would cost if the app were asked for each one);
- ``media.withdraw_s_600``: taking a 600-photo site's public copies offline (it turns private,
  inside the owner's request);
- ``media.expose_s_600``: it turns public again: new copies, and the rebuild that needs them.
Run: ``python -m bench media``.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings

from bench import tools
from bench.bench_site import _granian, _make_content, _production_config

Metric = tuple[str, float, str]


def run() -> Iterator[Metric]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        base.chmod(0o755)  # nginx workers run as another user when started by root
        media, sites, db = base / "media", base / "sites", base / "bench.sqlite3"
        with override_settings(
            MEDIA_ROOT=media,
            WEBSITES_PUBLISHED_ROOT=str(sites),
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ):
            original = connection.settings_dict["NAME"]
            connection.settings_dict["TEST"]["NAME"] = str(db)
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                yield from _measure(base, media, sites, db)
            finally:
                connection.creation.destroy_test_db(original, verbosity=0)


def _measure(base: Path, media: Path, sites: Path, db: Path) -> Iterator[Metric]:
    from mosaic.photos.models import Variant
    from mosaic.websites import services
    from mosaic.websites.models import Site

    site = Site.objects.get(pk=_make_content(media))  # public, published: 600 exposed photos
    unlisted = services.create_site(owner=site.owner, slug="bench-unlisted", title="Unlisted")
    services.update_settings(
        site=unlisted, slug=unlisted.slug, visibility="unlisted", hide_from_search=False
    )
    services.publish(site=Site.objects.get(pk=unlisted.pk))
    variant = (
        Variant.objects.select_related("original")
        .filter(width=320, format="jpeg")
        .exclude(original__public_token="")
        .first()
    )
    assert variant is not None
    assert variant.public_name

    app_port = tools.free_port()
    app = _granian(app_port, db, media, sites)
    try:
        tools._wait_for_port(app_port, app, attempts=1200)  # a busy machine starts slowly
        with tools.nginx(_production_config(base, app_port)) as port:
            public_url = f"https://127.0.0.1:{port}/media/{variant.public_name}"
            checked_url = f"https://127.0.0.1:{port}/bench-unlisted/_media/{variant.name}"
            for url in (public_url, checked_url):
                tools.wrk_rps(url, seconds=2)  # warm up (and fail early on a non-200)
            public = tools.wrk_rps(public_url, seconds=10)
            checked = tools.wrk_rps(checked_url, seconds=10)
    finally:
        app.terminate()
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(timeout=30)
    yield "media.public_rps", public, "req/s"
    yield "media.checked_rps", checked, "req/s"
    yield "media.checked_vs_public", checked / public, "ratio"

    for visibility, metric in (("private", "withdraw"), ("public", "expose")):
        started = time.perf_counter()
        services.update_settings(
            site=site, slug=site.slug, visibility=visibility, hide_from_search=False
        )
        yield f"media.{metric}_s_600", time.perf_counter() - started, "s"
        exposed = any((media / "photos").glob("*/*"))
        assert exposed == (visibility == "public")
