"""Mobile sites: publish time, first-view weight, Lighthouse, and app-vs-nginx throughput.

Everything runs in a throwaway database and folder, on loopback, bounded in time:
- ``site.publish_s_600``: seconds to render and switch a 600-post site (photos inserted cheaply:
  12 real photos processed once, their variant files hard-linked for 600 originals);
- ``site.first_view_kb[_<theme>]``: gzip bytes of the home page + its stylesheet, with every
  creator feature on (issue #20): a link and a scheduled one, all the social icons, the contact
  card, a pinned post, alt text on every photo, photo links on the first page and six
  collections of 24 posts, four of them linked from the home page;
- ``site.page_rps_vs_nginx``: Granian in production mode serving ``/<slug>/`` divided by nginx
  serving the same file, 32 connections (target >= 0.5).
Run: ``python -m bench site``. ``BENCH_SITE_SKIP=rps`` skips the slow part. Lighthouse scores
of the themes are ``python -m bench lighthouse`` (bench_lighthouse.py).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings
from PIL import Image

from bench import tools

Metric = tuple[str, float, str]
THEMES = ("grid", "feed", "magazine")
POSTS = 600


def _make_content(media: Path) -> int:
    """A user with 600 one-photo posts; returns the site id. Bypasses save_post on purpose:
    the bench measures publishing, not 600 republish requests."""
    from mosaic.accounts.models import User
    from mosaic.photos.models import Original, Photo, Variant
    from mosaic.photos.services import add_photo, process_pending
    from mosaic.posts.models import Post, PostItem
    from mosaic.websites import collection_services, services, socials

    user = User.objects.create_user(username=f"bench{secrets.token_hex(3)}", password=None)
    seeds = []
    for n in range(12):
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), ((n * 40) % 256, (n * 90) % 256, 120)).save(buffer, "JPEG")
        buffer.seek(0)
        seeds.append(add_photo(owner=user, source=buffer, filename=f"seed{n}.jpg"))
    process_pending()
    seed_variants = {
        s.original_id: list(Variant.objects.filter(original_id=s.original_id)) for s in seeds
    }
    originals, variants = [], []
    for index in range(POSTS):
        seed = seeds[index % len(seeds)].original
        token = secrets.token_hex(16)
        originals.append(
            Original(
                sha256=secrets.token_hex(32), token=token, name=f"bench/{token}",
                format=seed.format, size=seed.size, width=seed.width, height=seed.height,
                placeholder="", status=Original.Status.READY,
            )
        )  # fmt: skip
    Original.objects.bulk_create(originals, batch_size=200)
    originals = list(Original.objects.filter(name__startswith="bench/").order_by("pk"))
    for index, original in enumerate(originals):
        for variant in seed_variants[seeds[index % len(seeds)].original_id]:
            name = f"photos/{original.token}/{variant.width}.{variant.format}"
            guarded = media.parent / "guarded"  # every served file lives there (P31)
            target = guarded / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(guarded / variant.name, target)
            variants.append(
                Variant(original=original, width=variant.width, height=variant.height,
                        format=variant.format, name=name, size=variant.size)
            )  # fmt: skip
    Variant.objects.bulk_create(variants, batch_size=500)
    photos = Photo.objects.bulk_create(
        [Photo(owner=user, original=o) for o in originals], batch_size=500
    )
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    posts = Post.objects.bulk_create(
        [
            Post(owner=user, source=Post.Source.UPLOAD, external_id=str(i),
                 caption=f"Day {i} on the coast #sea #day{i % 20}",
                 hashtags=["sea", f"day{i % 20}"], hashtag_keys=f" sea day{i % 20} ",
                 taken_at=start + dt.timedelta(days=i),
                 permalink=f"https://www.instagram.com/p/bench{i}/")
            for i in range(POSTS)
        ],
        batch_size=500,
    )  # fmt: skip
    PostItem.objects.bulk_create(
        [
            PostItem(post=post, position=0, kind=PostItem.Kind.IMAGE, photo=photo)
            for post, photo in zip(posts, photos, strict=True)
        ],
        batch_size=500,
    )
    site = services.create_site(owner=user, slug="bench-site", title="A coast, every day")
    site.bio = "Six hundred days by the sea."
    site.save(update_fields=["bio"])
    services.add_link(site=site, label="Shop", url="https://shop.example/")
    # Every creator feature on (issue #20): all the social icons, the contact card, a pin.
    services.set_socials(
        site=site,
        addresses={
            n.key: socials.clean(n.key, str(n.example) or "@coast") for n in socials.NETWORKS
        },
    )
    services.set_contact(site=site, fields={"name": "Coast", "phone": "+44 7700 900123"})
    services.set_choice(site=site, post=posts[-1], pinned=True)
    # Issue 20's features switched on: a scheduled link live now, owner-written alt text on
    # every photo, and photo links on the first page's posts (a button each, a mark each).
    now = dt.datetime.now(tz=dt.UTC)
    services.add_link(
        site=site,
        label="Summer sale",
        url="https://shop.example/sale",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=30),
    )
    PostItem.objects.filter(post__owner=user).update(
        alt_text="Waves breaking on dark rocks under a pale morning sky, gulls overhead"
    )
    for post in posts[-24:]:
        services.set_post_link(site=site, post=post, url=f"https://shop.example/p/{post.pk}")
    # Collections: six pages of 24 posts each, four of them linked from the home page.
    for n in range(6):
        kept = collection_services.create_collection(
            site=site, title=f"The coast, part {n + 1}", name=f"coast-{n + 1}"
        )
        chosen = [post.pk for post in posts[n * 24 : (n + 1) * 24]]
        collection_services.add_posts(kept=kept, post_ids=chosen)
        collection_services.show_on_home(kept=kept, shown=n < 4)
    services.publish(site=site)
    return site.pk


def _set_theme(site_id: int, theme: str) -> None:
    from mosaic.websites import services
    from mosaic.websites.models import Site

    site = Site.objects.get(pk=site_id)
    site.theme = theme
    site.save(update_fields=["theme"])
    services.publish(site=site)


def _publish(site_id: int) -> Path:
    from mosaic.websites import publishing
    from mosaic.websites.models import Site

    publishing.publish_site(site_id=site_id)
    folder = publishing.build_folder(Site.objects.get(pk=site_id))
    assert folder is not None
    return folder


def _first_view_kb(folder: Path) -> float:
    index = (folder / "index.html").read_bytes()
    css = next((folder / "assets").iterdir()).read_bytes()
    return (len(gzip.compress(index, 9)) + len(gzip.compress(css, 9))) / 1024


def _nginx_config(sites: Path, media: Path) -> str:
    """The published files as docs/operations.md serves them (``current`` of the site)."""
    return (
        "server { listen 127.0.0.1:{port}; etag on;\n"
        f"  location ^~ /media/ {{ alias {media}/; }}\n"
        f"  location /bench-site/ {{ alias {sites}/bench-site/current/; index index.html; }}\n"
        "}"
    )


def _production_config(base: Path, app_port: int) -> str:
    """deploy/nginx/mosaic.conf, as production runs it (TLS included): files of public sites
    and public media from nginx, the rest from the app."""
    (base / "logs").mkdir(exist_ok=True)
    certificate, key = tools.self_signed_certificate(base)
    return tools.production_nginx_config(
        app_port=app_port, var_dir=base, log_dir=base / "logs", certificate=certificate, key=key
    )


def _granian(
    port: int, db: Path, media: Path, sites: Path, **env_overrides: str
) -> subprocess.Popen[bytes]:
    """The app as docs/operations.md runs it: Granian, one worker per core, no access log."""
    from tests.processes import production_env

    env = production_env(
        DATABASE_URL=f"sqlite:///{db}",
        MEDIA_ROOT=str(media),
        WEBSITES_PUBLISHED_ROOT=str(sites),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        MEDIA_ACCEL_REDIRECT="/_guarded/",
        TRUSTED_PROXY_COUNT="1",
        LOG_LEVEL="WARNING",
        **env_overrides,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(os.cpu_count() or 2), "--blocking-threads", "4",
         "--no-ws", "--no-access-log", "--log-level", "warning", "mosaic.wsgi:application"],
        env=env, cwd=tools.ROOT,
    )  # fmt: skip


def run() -> Iterator[Metric]:
    skip = set(os.environ.get("BENCH_SITE_SKIP", "").split(","))
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        base.chmod(0o755)  # nginx workers run as another user when started by root
        media, sites, db = base / "media", base / "sites", base / "bench.sqlite3"
        with override_settings(
            MEDIA_ROOT=media,
            WEBSITES_PUBLISHED_ROOT=str(sites),
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        ):
            original = connection.settings_dict["NAME"]
            connection.settings_dict["TEST"]["NAME"] = str(db)  # a throwaway database
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                yield from _measure(base, media, sites, db, skip)
            finally:
                connection.creation.destroy_test_db(original, verbosity=0)


def _measure(base: Path, media: Path, sites: Path, db: Path, skip: set[str]) -> Iterator[Metric]:
    site_id = _make_content(media)
    started = time.perf_counter()
    _publish(site_id)
    yield "site.publish_s_600", time.perf_counter() - started, "s"

    sizes = {}
    for theme in THEMES:
        _set_theme(site_id, theme)
        sizes[theme] = _first_view_kb(_publish(site_id))
        yield f"site.first_view_kb_{theme}", sizes[theme], "KiB"
    yield "site.first_view_kb", max(sizes.values()), "KiB"

    if "rps" in skip:
        return
    _publish(site_id)
    app_port = tools.free_port()
    app = _granian(app_port, db, media, sites)
    try:
        tools._wait_for_port(app_port, app)
        yield from _throughput(sites, media, app_port)
    finally:
        app.terminate()
        app.wait(timeout=30)


def _throughput(sites: Path, media: Path, app_port: int) -> Iterator[Metric]:
    app_url = f"http://127.0.0.1:{app_port}/bench-site/"
    with (
        tools.nginx(_production_config(sites.parent, app_port)) as production,
        tools.nginx(_nginx_config(sites, media)) as plain,
    ):
        ours_url = f"https://127.0.0.1:{production}/bench-site/"
        nginx_url = f"http://127.0.0.1:{plain}/bench-site/"
        for url in (ours_url, nginx_url, app_url):  # warm up
            tools.wrk_rps(url, seconds=2)
        ours = tools.wrk_rps(ours_url, seconds=10)
        theirs = tools.wrk_rps(nginx_url, seconds=10)
        app_only = tools.wrk_rps(app_url, seconds=10)
    # The production setup: nginx serves public sites' files, the app the rest.
    yield "site.page_rps_production", ours, "req/s"
    yield "site.page_rps_nginx", theirs, "req/s"
    yield "site.page_rps_vs_nginx", ours / theirs, "ratio"
    # For reference: the app alone (make run; private and unlisted sites).
    yield "site.page_rps_app_only", app_only, "req/s"
