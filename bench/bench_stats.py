"""Statistics ingest and dashboard figures (``python -m bench stats``).

- ``stats.ingest_events_per_s``: views and clicks per second accepted by the default server
  (the ``web`` line of ``Procfile.dev``, exactly as ``make run`` starts it: Granian) for
  ``BENCH_STATS_SECONDS`` (30), on a fresh SQLite database, with the load generated on
  loopback by a small asyncio client below (``BENCH_STATS_CONNECTIONS`` (64) keep-alive
  connections; each waits for its answer, so every request sent was answered).
  Then the buffer is flushed and ``stats.events_counted`` must equal ``stats.events_sent``.
- ``stats.sync_each.*``: the same with the spool synced to disk before every answer
  (``STATS_SPOOL_SYNC_MS=0``) instead of once a second.
- With ``BENCH_DATABASE_URL`` (a PostgreSQL server; a database is created and dropped) and
  ``BENCH_REDIS_URL`` (its keys are removed after), the same on PostgreSQL + Redis:
  ``stats.pg_redis.*``.
- ``*server_cpu_us_per_event``: CPU the server's processes spent per event (from /proc), a
  figure the machine's other load does not change: 1e6 / it is the rate one free core gives.
- ``*prune_events_per_s``: right after each ingest, ``BENCH_PRUNE_EVENTS`` (1,000,000) raw
  events past their retention are inserted in one statement and the hourly ``stats.upkeep``
  job is run until it finds nothing: the rate retention deletes at, to read beside the ingest
  rate of the same run (it must be at least ten times as high).
- ``stats.dashboard_ms_1m``: the dashboard's render time (median of 7) for a site with
  1,000,000 events over 90 days (their daily roll-ups inserted directly).

Every phase is bounded in time; only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from tests.processes import free_port, start, stop, wait_for, web_command

BASE = Path(__file__).resolve().parents[1]
MANAGE = [sys.executable, str(BASE / "manage.py")]
SWITCHES = ("DATABASE_URL", "REDIS_URL", "MOSAIC_ENV", "MOSAIC_VAR_DIR", "DEBUG")
AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36",
)
SETUP = """
from mosaic.accounts.models import User
from mosaic.websites import services
owner = User.objects.create_user(username="bench", email="bench@example.com", password=None)
site = services.create_site(owner=owner, slug="bench", title="Bench")
link = site.links.create(label="Shop", url="https://shop.example.com/")
services.publish(site=site)  # counting takes only pages of the build, clicks only its links
services.run_publish(site_id=site.pk)  # the build itself, now, whatever the task backend
print(site.pk, link.key)
"""
COUNT = """
from mosaic.stats.models import DailyCount
print(sum(DailyCount.objects.filter(dimension="total").exclude(kind="visitor")
          .values_list("count", flat=True)))
"""


# Many visitors, each with their own keep-alive connection and one request at a time.
CONNECTIONS = int(os.environ.get("BENCH_STATS_CONNECTIONS", "64"))
# Raw events past their retention, inserted in one statement, then pruned by the real hourly
# job (stats.upkeep: indexed deletes in batches sized by the work, bounded by time).
PRUNE = """
import time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from mosaic.stats.models import Event
from mosaic.stats.periodic import upkeep
count, site = {count}, {site}
old = timezone.now() - timedelta(days=9)
stamp = connection.ops.adapt_datetimefield_value(old)
columns = "site_id, kind, at, path, link_id, referrer_host, device, visitor"
if connection.vendor == "postgresql":
    rows = ("SELECT %s, 'view', %s, '/', NULL, '', 'phone', md5(n::text)"
            " FROM generate_series(1, %s) AS n")
else:
    rows = ("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < %s)"
            " SELECT %s, 'view', %s, '/', NULL, '', 'phone', hex(randomblob(16)) FROM c")
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute(f"INSERT INTO stats_event ({{columns}}) {{rows}}", [site, stamp, count])
    else:
        cursor.execute(f"INSERT INTO stats_event ({{columns}}) {{rows}}", [count, site, stamp])
kept = Event.objects.filter(at__gte=old + timedelta(days=1)).count()
started = time.perf_counter()
pruned = 0
while removed := upkeep.call():
    pruned += removed
elapsed = time.perf_counter() - started
assert Event.objects.count() == kept, "only the old events go"
print(pruned, elapsed)
"""
CLEAR = """
from mosaic.stats.models import DailyCount, DailyVisitor, Event
for model in (Event, DailyCount, DailyVisitor):
    model.objects.all().delete()
"""


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SWITCHES}
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(
        [*MANAGE, *args], env=env, cwd=BASE, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- the load generator ---------------------------------------------------------------------


class _Connection:
    __slots__ = ("next", "pending", "sock")

    def __init__(self, port: int, first: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.next = first
        self.pending = b""


def _answer(data: bytes) -> tuple[int, int] | None:
    """(status, bytes used) of the first whole answer in ``data``, or None for not yet."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end].lower()
    length = 0
    found = head.find(b"\r\ncontent-length:")
    if found >= 0:
        line_end = head.find(b"\r\n", found + 2)
        length = int(head[found + 17 : line_end if line_end >= 0 else None])
    if b"\r\nconnection: close" in head:
        raise RuntimeError("the server closed a keep-alive connection")
    if len(data) < end + 4 + length:
        return None
    return int(data[9:12]), end + 4 + length


def _load(port: int, site: int, link: str, seconds: float, connections: int) -> Counter[int]:
    """Nine views (of the published home page, two devices) for each click, until the time is up.

    One thread and epoll, so the load takes as little of the machine's CPU as it can; every
    connection waits for the answer to its request before sending the next, and after the
    deadline only collects the answer it is owed, so every request sent was answered.
    """
    requests = []
    for index in range(100):
        agent = AGENTS[index % 2]
        path = (
            f"/_m/c/{site}/{link}/"
            if index % 10 == 9
            else f"/_m/v/{site}.gif?p=/bench/&k={'photo' if index % 3 else 'page'}"
        )
        requests.append(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {agent}\r\n\r\n".encode()
        )
    answers: Counter[int] = Counter()
    selector = selectors.EpollSelector()
    deadline = time.monotonic() + seconds
    for number in range(connections):
        connection = _Connection(port, number)
        selector.register(connection.sock, selectors.EVENT_READ, connection)
        connection.sock.sendall(requests[connection.next % 100])
    open_connections, running = connections, True
    try:
        while open_connections:
            ready = selector.select(timeout=10)
            if not ready:
                raise RuntimeError("no answer for 10 s")
            running = running and time.monotonic() < deadline
            for key, _events in ready:
                connection = key.data
                data = connection.pending + connection.sock.recv(65536)
                if len(data) == len(connection.pending):
                    raise RuntimeError("the server closed a connection")
                answer = _answer(data)
                if answer is None:
                    connection.pending = data
                    continue
                status, used = answer
                answers[status] += 1
                connection.pending = data[used:]
                if running:
                    connection.next += 1
                    request = requests[connection.next % 100]
                    if connection.sock.send(request) != len(request):
                        raise RuntimeError("a request did not fit the socket buffer")
                else:
                    selector.unregister(connection.sock)
                    connection.sock.close()
                    open_connections -= 1
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        selector.close()
    return answers


# --- phases ---------------------------------------------------------------------------------


def _session_cpu_seconds(session: int) -> float:
    """CPU time used so far by every process of a session (the server and its workers)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session:  # utime and stime are fields 14 and 15 of stat
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _answers(port: int, process: subprocess.Popen[bytes], log: Path) -> bool:
    import httpx

    if process.poll() is not None:
        raise RuntimeError(f"the server stopped:\n{log.read_text()[-3000:]}")
    try:
        httpx.get(f"http://127.0.0.1:{port}/_m/nothing", timeout=2)
    except httpx.HTTPError:
        return False
    return True


def _ingest(
    prefix: str, env: dict[str, str], site: int, link: str, work: Path
) -> Iterator[tuple[str, float, str]]:
    seconds = float(os.environ.get("BENCH_STATS_SECONDS", "30"))
    port = free_port()
    log = work / "web.log"
    process = start(web_command(), env={**env, "PORT": str(port)}, log=log)
    try:
        wait_for(lambda: _answers(port, process, log), what="the web server", timeout=120, log=log)
        cpu_before = _session_cpu_seconds(process.pid)
        started = time.monotonic()
        answers = _load(port, site, link, seconds, connections=CONNECTIONS)
        elapsed = time.monotonic() - started
        cpu = _session_cpu_seconds(process.pid) - cpu_before
    finally:
        stop(process)  # the server and its workers: the process group it leads
    sent = answers[200] + answers[302]
    flush_elapsed = 0.0
    while True:  # "N events written in S s", until nothing is left
        words = _manage("stats_flush", env=env).split()
        written = words[0]
        flush_elapsed += float(words[-2])
        if written == "0":
            break
    counted = int(_manage("shell", "-c", COUNT, env=env).split()[-1])
    yield f"{prefix}ingest_events_per_s", sent / elapsed, "events/s"
    # What the server itself spent per event: on a shared machine the rate above is what it
    # got; 1e6 / this is what one free core would sustain.
    yield f"{prefix}server_cpu_us_per_event", cpu / max(sent, 1) * 1e6, "µs"
    yield f"{prefix}events_sent", sent, "events"
    yield f"{prefix}events_counted", counted, "events"
    yield f"{prefix}refused_answers", sum(answers.values()) - sent, "answers"
    yield f"{prefix}flush_events_per_s", sent / flush_elapsed, "events/s"
    count = int(os.environ.get("BENCH_PRUNE_EVENTS", "1000000"))
    pruned, prune_elapsed = _manage(
        "shell", "-c", PRUNE.format(count=count, site=site), env=env
    ).split()[-2:]
    if int(pruned) < count:
        raise RuntimeError(f"the prune removed {pruned} of {count} old events")
    # Beside the ingest rate above, in the same run: retention must keep pace (P12, P30).
    yield f"{prefix}prune_events_per_s", int(pruned) / float(prune_elapsed), "events/s"
    _manage("shell", "-c", CLEAR, env=env)


def _setup(env: dict[str, str]) -> tuple[int, str]:
    _manage("migrate", "--noinput", "-v0", env=env)
    _manage("createcachetable", "-v0", env=env)
    site, link = _manage("shell", "-c", SETUP, env=env).split()[-2:]
    return int(site), link


def run() -> Iterator[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        env = _env(MOSAIC_VAR_DIR=str(work), STATS_BUFFER="spool", PYTHONUNBUFFERED="1")
        site, link = _setup(env)
        yield from _ingest("stats.", env, site, link, work)
        # The same with a sync to disk before every answer (STATS_SPOOL_SYNC_MS=0).
        yield from _ingest(
            "stats.sync_each.", {**env, "STATS_SPOOL_SYNC_MS": "0"}, site, link, work
        )
        yield from _dashboard(env)

    database, redis_url = os.environ.get("BENCH_DATABASE_URL"), os.environ.get("BENCH_REDIS_URL")
    if database and redis_url:
        yield from _pg_redis(database.rstrip("/"), redis_url)


def _dashboard(env: dict[str, str]) -> Iterator[tuple[str, float, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_stats", "dashboard"],
        env={**env, "DJANGO_SETTINGS_MODULE": "mosaic.settings"},
        cwd=BASE, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"dashboard bench failed:\n{done.stdout}{done.stderr}")
    for line in done.stdout.splitlines():
        name, value, unit = line.split()
        yield name, float(value), unit


def _pg_redis(server: str, redis_url: str) -> Iterator[tuple[str, float, str]]:
    import psycopg
    import redis

    name = f"mosaic_bench_{os.getpid()}"
    admin = (
        server.rsplit("/", 1)[0] + "/postgres" if server.count("/") > 2 else server + "/postgres"
    )
    base = admin.rsplit("/", 1)[0]
    prefix = f"bench:stats:{uuid.uuid4().hex}:"
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as directory:
            env = _env(
                MOSAIC_VAR_DIR=directory, DATABASE_URL=f"{base}/{name}", REDIS_URL=redis_url,
                STATS_BUFFER="redis", STATS_REDIS_PREFIX=prefix, PYTHONUNBUFFERED="1",
            )  # fmt: skip
            site, link = _setup(env)
            yield from _ingest("stats.pg_redis.", env, site, link, Path(directory))
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


# --- the dashboard phase, in its own process on the bench's database --------------------------


def dashboard_figure() -> None:
    """Roll-ups for 1,000,000 events over 90 days, then time the dashboard page."""
    import random

    import django

    django.setup()
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from mosaic.accounts.models import User
    from mosaic.stats.models import DailyCount
    from mosaic.websites.models import Site

    owner = User.objects.create_user(username="dash", email="dash@example.com", password=None)
    site = Site.objects.create(owner=owner, slug="dash", title="Dashboard bench")
    links = [site.links.create(label=f"Link {n}", url=f"https://example.com/{n}") for n in range(8)]
    rng = random.Random(6)
    today = timezone.now().date()
    counts: Counter[tuple[dt.date, str, str, str]] = Counter()
    events = 1_000_000
    for number in range(events):
        day = today - dt.timedelta(days=number % 90)
        kind = ("page", "photo", "photo", "photo", "click")[rng.randrange(5)]
        counts[(day, kind, "total", "")] += 1
        if kind == "click":
            counts[(day, kind, "link", str(links[rng.randrange(8)].pk))] += 1
            continue
        path = "/dash/" if kind == "page" else f"/dash/p/{rng.randrange(300)}/"
        counts[(day, kind, "path", path)] += 1
        counts[(day, kind, "referrer", f"site{rng.randrange(60)}.example")] += 1
        counts[(day, kind, "device", ("phone", "tablet", "desktop")[rng.randrange(3)])] += 1
        if rng.random() < 0.4:
            counts[(day, "visitor", "total", "")] += 1
    DailyCount.objects.bulk_create(
        (
            DailyCount(site=site, day=day, kind=kind, dimension=dim, key=key, count=count)
            for (day, kind, dim, key), count in counts.items()
        ),
        batch_size=2000,
    )
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(owner)
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        response = client.get(f"/panel/stats/{site.pk}/?days=90")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"stats.dashboard_events {events} events")
    print(f"stats.dashboard_rollup_rows {len(counts)} rows")
    print(f"stats.dashboard_ms_1m {statistics.median(timings):.1f} ms")


if __name__ == "__main__" and sys.argv[1:] == ["dashboard"]:
    dashboard_figure()
