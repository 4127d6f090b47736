"""Ingest loses nothing: a web process or a flush killed with SIGKILL mid-way loses no accepted
event and counts none twice; counts stay exact under concurrency."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection

from mosaic.stats.buffer import get_buffer
from mosaic.stats.models import DailyCount, Event
from mosaic.stats.services import count, flush
from mosaic.stats.tests.conftest import DESKTOP, PHONE, browser_client, post_path, total, view
from mosaic.websites.models import Site
from tests.processes import (
    MANAGE,
    child_env,
    database_url,
    free_port,
    start,
    stop,
    wait_for,
    web_command,
)

pytestmark = pytest.mark.django_db(transaction=True)


def stats_env(**extra: str) -> dict[str, str]:
    """A child process on the test database, with this test's buffer."""
    env = child_env(
        DATABASE_URL=database_url(connection.settings_dict),
        STATS_BUFFER=django_settings.STATS_BUFFER,
        STATS_SPOOL_DIR=str(django_settings.STATS_SPOOL_DIR),
        STATS_REDIS_PREFIX=django_settings.STATS_REDIS_PREFIX,
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),  # the site's build: only its pages count
        **extra,
    )
    if django_settings.STATS_BUFFER == "redis":
        env["STATS_REDIS_URL"] = django_settings.STATS_REDIS_URL
    return env


def test_counts_stay_exact_with_concurrent_requests_and_concurrent_flushes(site):
    pages = [post_path(site, number) for number in range(5)]

    def visitor(number: int) -> None:
        client = browser_client(PHONE if number % 2 else DESKTOP, f"192.0.2.{number}")
        for index in range(60):
            assert view(client, site, pages[index % 5]).status_code == 200
        connection.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def flusher() -> None:
        flush(batch_size=37)
        connection.close()

    flushers = [threading.Thread(target=flusher) for _ in range(3)]
    for thread in flushers:
        thread.start()
    for thread in flushers:
        thread.join()
    flush()

    assert Event.objects.count() == 480
    assert total(site, "page") == 480
    assert total(site, "visitor") == 8
    per_path = DailyCount.objects.filter(dimension="path").values_list("count", flat=True)
    assert sorted(per_path) == [96] * 5


def test_p30_a_web_process_killed_mid_load_loses_no_accepted_view_and_logs_no_address(
    site, tmp_path: Path
):
    port = free_port()
    log = tmp_path / "server.log"
    env = stats_env(PORT=str(port), TRUSTED_PROXY_COUNT="1")
    server = start(web_command(), env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    beacon = f"{base}/_m/v/{site.pk}.gif"
    pages = [post_path(site, number) for number in range(4)]
    accepted = sent = 0
    lock = threading.Lock()
    killed = threading.Event()
    try:

        def ready() -> bool:
            try:
                return httpx.get(beacon, params={"p": "/ready/"}, timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(ready, what="the web server", log=log)

        def load(number: int) -> None:
            nonlocal accepted, sent
            headers = {"User-Agent": PHONE, "X-Forwarded-For": f"198.51.100.{number + 10}"}
            with httpx.Client(headers=headers, timeout=5) as client:
                while not killed.is_set():
                    with lock:
                        sent += 1
                    try:
                        answer = client.get(beacon, params={"p": pages[number]})
                    except httpx.HTTPError:
                        return
                    if answer.status_code == 200:
                        with lock:
                            accepted += 1

        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        wait_for(lambda: accepted >= 150, what="150 accepted views", timeout=120)
        stop(server, sig=signal.SIGKILL)  # no chance to finish anything
        killed.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        killed.set()
        stop(server, sig=signal.SIGKILL)

    flush()
    counted = total(site, "page")
    assert accepted <= counted <= sent, (accepted, counted, sent)
    assert Event.objects.count() == counted
    assert "198.51.100." not in log.read_text(errors="replace"), "the server logged an address"


def test_a_flush_killed_mid_batch_resumes_without_losing_or_repeating(site, settings, tmp_path):
    settings.STATS_SPOOL_SYNC_MS = 60_000  # quicker to fill; the flush is what is tested here
    events = 12_000
    for index in range(events):
        environ = {"HTTP_USER_AGENT": PHONE, "REMOTE_ADDR": f"10.0.{index % 250}.{index % 7}"}
        count(environ, site_id=site.pk, owner_id=-1, kind="page", path="/olivia/")

    flusher = start(
        [*MANAGE, "stats_flush", "--batch-size", "40"],
        env=stats_env(),
        log=tmp_path / "flush.log",
    )
    try:
        wait_for(
            lambda: Event.objects.count() > 0,
            what="the first batches",
            log=tmp_path / "flush.log",
        )
        stop(flusher, sig=signal.SIGKILL)
    finally:
        stop(flusher, sig=signal.SIGKILL)
    written_before = Event.objects.count()
    assert 0 < written_before < events, "the flush was killed part-way"
    assert total(site, "page") == written_before, "events and counts move together"

    while flush():
        pass

    assert Event.objects.count() == events
    assert total(site, "page") == events
    assert get_buffer().segments() == []


def test_a_line_torn_by_a_crash_mid_write_is_skipped_and_the_rest_counted(site, settings):
    settings.STATS_BUFFER = "spool"
    view(browser_client(), site)
    view(browser_client(), site)
    spool = Path(settings.STATS_SPOOL_DIR)
    with next(spool.glob("*.open")).open("ab") as file:
        file.write(b'{"s":1,"k":"pa')  # never acknowledged: the write itself was cut

    flush()
    assert total(site, "page") == 2


def test_a_site_deleted_before_the_flush_is_simply_not_counted(site, other_owner):
    other = Site.objects.create(owner=other_owner.user, slug="oscar", title="Oscar")
    view(browser_client(), site)
    view(browser_client(), other)
    other.delete()
    assert flush() == 1
    assert Event.objects.get().site_id == site.pk


@pytest.mark.parametrize(("sync_ms", "expected"), [(0, 20), (60_000, 0)])
def test_spool_appends_are_synced_before_answering_or_at_most_once_per_interval(
    settings, tmp_path, monkeypatch, sync_ms, expected
):
    settings.STATS_BUFFER = "spool"
    settings.STATS_SPOOL_DIR = tmp_path / "spool"
    settings.STATS_SPOOL_SYNC_MS = sync_ms
    syncs: list[int] = []
    real = os.fdatasync

    def counted(fd: int) -> None:
        syncs.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", counted)
    spool = get_buffer()
    for number in range(20):
        spool.append(b'{"n":%d}' % number)
    assert len(syncs) == expected

    if sync_ms:  # once the interval has passed, the next append syncs everything before it
        settings.STATS_SPOOL_SYNC_MS = 200
        fresh = get_buffer()
        time.sleep(0.25)
        fresh.append(b'{"n":20}')
        fresh.append(b'{"n":21}')
        assert len(syncs) == 1
