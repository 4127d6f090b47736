"""Every periodic job at scale, on PostgreSQL (``python -m bench scale``).

Needs ``BENCH_DATABASE_URL``, a PostgreSQL server (e.g. ``postgres://postgres@127.0.0.1:5432``):
a database ``mosaic_bench_scale_<pid>`` is created, migrated and dropped afterwards. Without it
the bench says so and measures nothing.

The main tables are seeded in bulk with ``generate_series`` to 10,000 rows each, then to
1,000,000: accounts (recently signed in), one site each, one photo and its original each, one
Instagram connection each (tokens far from expiry, next syncs two to six hours ahead), a
session and a session record each, statistics events of the last six days, sent emails and
finished task results. That is a quiet day: no row is due, except a fixed 500 connections due
for a sync in both runs, so a job costs the same at both sizes unless it scans a whole table.

- ``scale.<job>_ms_10k`` and ``scale.<job>_ms_1m``: one run of each registered periodic job
  (its own bounded batches; every retention rule made due first), best of ``BENCH_SCALE_REPEAT``
  (3) after one warm-up run. The 1M figure should stay within twice the 10k one.
- ``instagram.sync_claim_ms_10k`` / ``_1m``: claiming one batch of 500 due connections
  (``claim_batch``: ``FOR UPDATE SKIP LOCKED`` over the status/next-sync index).

The run is bounded: the child process is stopped after ``BENCH_SCALE_TIMEOUT`` (1800) seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from bench.tools import throwaway_postgres

Metric = tuple[str, float, str]
ROOT = Path(__file__).resolve().parents[1]
SIZES = (("10k", 10_000), ("1m", 1_000_000))
DUE_SYNCS = 500
CLEARED = ("DATABASE_URL", "REDIS_URL", "MOSAIC_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")

# Each statement inserts rows lo..hi (1-based) of its table; %(lo)s and %(hi)s are bound.
SEED = [
    """INSERT INTO accounts_user (id, password, last_login, is_superuser, username, email,
        is_staff, is_active, date_joined, display_name)
       SELECT n, '!', now() - (n %% 20) * interval '1 day', false, 'user' || n,
              'user' || n || '@example.com', false, true, now() - interval '400 days', ''
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO account_emailaddress (id, user_id, email, verified, "primary")
       SELECT n, n, 'user' || n || '@example.com', true, true
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO websites_site (id, owner_id, slug, title, bio, theme, accent, language,
        visibility, hide_from_search, published_build, publish_pending, created_at, updated_at)
       SELECT n, n, 'site' || n, 'Site ' || n, '', 'light', '', 'en', 'public', false, '', false,
              now() - interval '400 days', now() - interval '10 days'
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO photos_original (id, sha256, token, name, format, size, width, height,
        placeholder, status, error, created_at, processed_at, public_token)
       SELECT n, md5(n::text) || md5('x' || n), md5('t' || n), 'photo.jpg', 'jpeg', 100000,
              1080, 1080, '', 'ready', '', now() - interval '30 days',
              now() - interval '30 days', md5('p' || n)
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO photos_photo (id, filename, created_at, original_id, owner_id, exposed)
       SELECT n, 'photo.jpg', now() - interval '30 days', n, n, true
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO instagram_connection (id, user_id, instagram_user_id, username, access_token,
        token_issued_at, token_expires_at, status, connected_at, next_sync_at,
        last_full_sync_at, refresh_error, refresh_failures)
       SELECT n, n, '178414' || n, 'insta' || n, '', now() - (n %% 45) * interval '1 day',
              now() - (n %% 45) * interval '1 day' + interval '60 days', 'active',
              now() - interval '100 days',
              now() + interval '2 hours' + (n %% 240) * interval '1 minute',
              now() - interval '1 hour', '', 0
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO django_session (session_key, session_data, expire_date)
       SELECT md5('s' || n), '', now() + interval '10 days'
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO usersessions_usersession (id, user_id, created_at, ip, last_seen_at,
        session_key, user_agent, data)
       SELECT n, n, now() - interval '3 days', '192.0.2.1', now() - interval '1 hour',
              md5('s' || n), 'Mozilla/5.0', '{}'
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO stats_event (id, site_id, kind, at, path, referrer_host, device, visitor)
       SELECT n, n, 'view', now() - (n %% 518400) * interval '1 second', '/', '', 'phone',
              md5(n::text)
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO mail_delivery (id, user_id, template, kind, "to", subject, text, html,
        headers, message_id, status, attempts, created_at, next_attempt_at, sent_at,
        last_error)
       SELECT n, n, 'accounts/email/new_device', 'service', 'user' || n || '@example.com',
              'New sign-in', 'Hello', '', '{}', '<' || n || '@mosaic>', 'sent', 1,
              now() - interval '2 days', now() - interval '2 days', now() - interval '2 days', ''
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
    """INSERT INTO django_tasks_database_dbtaskresult (id, status, args_kwargs, priority,
        task_path, queue_name, backend_name, run_after, enqueued_at, finished_at, started_at,
        exception_class_path, traceback, worker_ids)
       SELECT md5('task' || n)::uuid, 'SUCCESSFUL', '{"args": [], "kwargs": {}}', 0,
              'mosaic.mail.tasks.send_delivery', 'default', 'default',
              now() - interval '1 day', now() - interval '1 day', now() - interval '1 day',
              now() - interval '1 day', '', '', '[]'
       FROM generate_series(%(lo)s, %(hi)s) AS n""",
]
SEQUENCES = [
    "accounts_user",
    "account_emailaddress",
    "websites_site",
    "photos_original",
    "photos_photo",
    "instagram_connection",
    "usersessions_usersession",
    "stats_event",
    "mail_delivery",
]


def run() -> Iterator[Metric]:
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        print("scale: set BENCH_DATABASE_URL to a PostgreSQL server to run it", file=sys.stderr)
        return
    timeout = float(os.environ.get("BENCH_SCALE_TIMEOUT", "1800"))
    with throwaway_postgres(server, "scale") as database:
        env = {key: value for key, value in os.environ.items() if key not in CLEARED}
        env.update(DATABASE_URL=database, MOSAIC_VAR_DIR=str(ROOT / "var" / "bench-scale"))
        for command in (["migrate", "-v0"], ["createcachetable", "-v0"]):
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), *command],
                env=env,
                check=True,
                timeout=600,
            )
        # stderr to a file: a chatty child never blocks on a full pipe
        with tempfile.TemporaryFile(mode="w+") as errors:
            yield from _figures_of_child(env, errors, timeout)


def _figures_of_child(env: dict[str, str], errors: IO[str], timeout: float) -> Iterator[Metric]:
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_scale", "child"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        assert child.stdout is not None
        for line in child.stdout:  # each figure as soon as it is measured
            if line.startswith("["):
                name, value, unit = json.loads(line)
                yield name, value, unit
        if child.wait():
            errors.seek(0)
            raise SystemExit(f"the scale bench failed:\n{errors.read()[-4000:]}")
    finally:
        timer.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()


def _seed(upto: int, done: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in SEED:
            cursor.execute(statement, {"lo": done + 1, "hi": upto})
        for table in SEQUENCES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [upto])
        cursor.execute("ANALYZE")


def _make_due() -> None:
    """The same work in both runs: 500 connections due for a sync, every retention rule due."""
    from django.utils import timezone

    from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
    from mosaic.privacy.models import SweepState

    now = timezone.now()
    ImportRun.objects.all().delete()
    InstagramConnection.objects.filter(pk__lte=DUE_SYNCS).update(next_sync_at=now)
    SweepState.objects.update(next_run_at=now)


def _best_ms(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        _make_due()
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _emit(name: str, value: float, unit: str) -> None:
    print(json.dumps([name, round(value, 2), unit]), flush=True)


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
    import django

    django.setup()
    from django.test.utils import override_settings
    from django.utils import timezone

    from mosaic.integrations.instagram.models import InstagramConnection
    from mosaic.jobs.registry import registered_jobs
    from mosaic.lib.batches import claim_batch

    repeat = int(os.environ.get("BENCH_SCALE_REPEAT", "3"))
    done = 0
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        for label, size in SIZES:
            _seed(size, done)
            done = size
            jobs = registered_jobs()
            for job in jobs:  # warm-up: connections, caches, query plans
                _make_due()
                job.task.call()
            for job in jobs:
                ms = _best_ms(job.task.call, repeat)
                _emit(f"scale.{job.name}_ms_{label}", ms, "ms")

            def claim() -> None:
                due = InstagramConnection.objects.filter(
                    status=InstagramConnection.Status.ACTIVE, next_sync_at__lte=timezone.now()
                ).order_by("next_sync_at")
                claimed = claim_batch(due, size=DUE_SYNCS, next_sync_at=timezone.now())
                if len(claimed) != DUE_SYNCS:
                    raise SystemExit(f"claimed {len(claimed)} of {DUE_SYNCS} due connections")

            _emit(f"instagram.sync_claim_ms_{label}", _best_ms(claim, repeat), "ms")


if __name__ == "__main__":
    child()
