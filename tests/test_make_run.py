"""`make run`'s stack (Procfile.dev under honcho): Granian serves pages and static files, the
scheduler and the worker run the periodic jobs, and one Ctrl-C stops it all, Granian's workers
and its main process (which also watches for code changes) included."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from mosaic.jobs.registry import registered_jobs
from tests.processes import (
    BASE_DIR,
    PYTHON,
    alive,
    child_env,
    command_line,
    descendants,
    free_port,
    kill_tree,
    manage,
    redis_url,
    require_redis,
    sessions_of,
    start,
    wait_for,
)

HONCHO = str(Path(PYTHON).parent / "honcho")
# How each process shows in its command line; Granian's main process and its workers all show
# the same one.
GRANIAN = "granian --interface wsgi"
PROCESSES = (GRANIAN, "manage.py run_worker", "manage.py run_scheduler")
WEB_WORKERS = 2


def signup_page_loads(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def finished_periodic_jobs(database: Path) -> int:
    """Periodic jobs the stack's scheduler enqueued and its worker ran (read without Django)."""
    with sqlite3.connect(database, timeout=20) as connection:
        rows = connection.execute(
            "SELECT DISTINCT task_path FROM django_tasks_database_dbtaskresult"
            " WHERE status = 'SUCCESSFUL'"
        ).fetchall()
    finished = {path for (path,) in rows}
    return sum(job.task.module_path in finished for job in registered_jobs())


def started_processes(root: int) -> set[str]:
    lines = [command_line(pid) for pid in descendants(root)]
    return {name for name in PROCESSES if any(name in line for line in lines)}


def granian_processes(root: int) -> set[int]:
    """Granian's main process and its workers (not the shell honcho starts it through)."""
    return {
        pid
        for pid in descendants(root)
        if GRANIAN in (line := command_line(pid)) and not line.startswith("/bin/sh")
    }


def linked_stylesheet(page_url: str) -> str:
    """The stylesheet the page links, relative to /static/."""
    link = re.search(r'href="/static/([^"]+\.css)"', httpx.get(page_url, timeout=5).text)
    assert link, "the page links a stylesheet under /static/"
    return link.group(1)


def web_command() -> list[str]:
    line = next(
        line
        for line in (BASE_DIR / "Procfile.dev").read_text().splitlines()
        if line.startswith("web:")
    )
    return shlex.split(line.removeprefix("web:"))


@pytest.fixture(params=["database-queue", "redis-queue"])
def stack_env(request, tmp_path) -> dict[str, str]:
    """The defaults of `make run` (SQLite, database queue) in a fresh var directory, or the
    same with REDIS_URL set (RQ: the worker forks a scheduler and a process per task)."""
    port = free_port()
    var = tmp_path / "var"
    var.mkdir()  # as `make migrate` does
    env = child_env(
        MOSAIC_VAR_DIR=str(var),
        PORT=str(port),
        WEB_WORKERS=str(WEB_WORKERS),
        SITE_URL=f"http://127.0.0.1:{port}",
        # The stand-in's own free port, so the test never collides with a running `make run`.
        INSTAGRAM_STAND_IN_URL=f"http://127.0.0.1:{free_port()}",
    )
    if request.param == "redis-queue":
        env["REDIS_URL"] = redis_url()
        require_redis(env["REDIS_URL"])
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    return env


def periodic_jobs_ran(env: dict[str, str], log: Path) -> bool:
    """The stack's scheduler enqueued every periodic job and its worker ran them."""
    if "REDIS_URL" in env:
        worker_lines = [line for line in log.read_text().splitlines() if "worker.1" in line]
        return all(
            any(f"Successfully completed {job.task.module_path}()" in line for line in worker_lines)
            for job in registered_jobs()
        )
    database = Path(env["MOSAIC_VAR_DIR"]) / "mosaic.sqlite3"
    return finished_periodic_jobs(database) == len(registered_jobs())


def test_the_stack_serves_pages_runs_periodic_jobs_and_one_ctrl_c_stops_it_all(stack_env, tmp_path):
    log = tmp_path / "honcho.log"
    stack = start([HONCHO, "-f", "Procfile.dev", "start"], env=stack_env, log=log)
    pids: set[int] = set()
    try:
        site = f"http://127.0.0.1:{stack_env['PORT']}"
        url = f"{site}/accounts/signup/"
        wait_for(lambda: signup_page_loads(url), what=f"{url} to answer 200", log=log)
        wait_for(
            lambda: periodic_jobs_ran(stack_env, log),
            what="the scheduler to enqueue the periodic jobs and the worker to run them",
            log=log,
        )
        # Static files come from the same server (WhiteNoise, from the source folders).
        stylesheet = linked_stylesheet(url)
        css = httpx.get(f"{site}/static/{stylesheet}", timeout=5)
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        assert css.content == (BASE_DIR / "mosaic" / "static" / stylesheet).read_bytes()
        wait_for(
            lambda: started_processes(stack.pid) == set(PROCESSES),
            what="the web server, the worker and the scheduler to run",
            log=log,
        )
        wait_for(
            lambda: len(granian_processes(stack.pid)) == 1 + WEB_WORKERS,
            what=f"Granian's main process and its {WEB_WORKERS} workers",
            log=log,
        )
        pids = descendants(stack.pid)
        sessions = sessions_of(pids)

        # What a terminal does on Ctrl-C: SIGINT to the foreground process group.
        os.killpg(stack.pid, signal.SIGINT)
        stack.wait(timeout=30)
        wait_for(
            lambda: not alive(pids, sessions),
            what="every process of the stack to exit",
            timeout=15,
            log=log,
        )
    finally:
        kill_tree(stack.pid, also=pids)  # only does anything if the test failed
        stack.wait(timeout=30)
    assert {"web.1", "worker.1", "scheduler.1"} <= {
        word for word in log.read_text().split() if word.endswith(".1")
    }


def test_the_dev_server_watches_only_source_and_logs_no_addresses():
    """var/ (SQLite, statistics spool, media) changes all the time: watching it would restart
    the server in a loop. An access log would write visitors' addresses (P12, P30)."""
    command = web_command()
    assert "--reload" in command
    watched = [
        (BASE_DIR / command[i + 1]).resolve()
        for i, word in enumerate(command)
        if word == "--reload-paths"
    ]
    assert watched, "--reload-paths limits what is watched (the default is the whole checkout)"
    for path in watched:
        assert path.is_relative_to(BASE_DIR / "mosaic"), path
    assert "--no-access-log" in command
    assert "--access-log" not in command


def test_make_run_migrates_before_it_starts_the_stack():
    plan = subprocess.run(
        ["make", "-n", "run"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py migrate" in plan
    assert "honcho -f Procfile.dev start" in plan
