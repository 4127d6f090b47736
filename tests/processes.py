"""Helpers for tests that start real processes (workers, the dev stack, Granian) and stop them."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from cryptography.fernet import Fernet

from mosaic.lib.sealing import new_key_pair

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
# Variables that switch the database, the queue or the mode, and the test process's own
# DJANGO_ALLOW_ASYNC_UNSAFE (see conftest): cleared so a child process runs on the defaults
# unless a test sets them on purpose.
SWITCHES = (
    "DATABASE_URL",
    "REDIS_URL",
    "MOSAIC_ENV",
    "MOSAIC_VAR_DIR",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def child_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SWITCHES}
    env.update(overrides)
    return env


def sharing_env(settings_dict: Mapping[str, Any], **overrides: str) -> dict[str, str]:
    """The environment of a child that shares this process's database and, when it uses one,
    its Redis: erasing an account clears its cached rows, so the child must use the same cache
    (with Redis set, the test database has no cache table of its own)."""
    shared = {"DATABASE_URL": database_url(settings_dict)}
    if os.environ.get("REDIS_URL"):
        shared["REDIS_URL"] = os.environ["REDIS_URL"]
    return child_env(**shared, **overrides)


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a process started in production mode, with every required secret
    (fresh random values); ``overrides`` change or blank any of them."""
    defaults = {
        "MOSAIC_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "mosaic.example,127.0.0.1",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PRIVACY_ARCHIVE_PUBLIC_KEY": new_key_pair()[1],
        # Production takes payments through Stripe only (mosaic/billing): its keys are required.
        "STRIPE_SECRET_KEY": f"sk_test_{secrets.token_hex(12)}",
        "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(12)}",
        "STRIPE_PRICE_ID": "price_test_paid",
    }
    return child_env(**{**defaults, **overrides})


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database in tests)."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def redis_url() -> str:
    """REDIS_URL when the suite runs on Redis, else a local Redis (TEST_REDIS_URL to choose)."""
    return os.environ.get("REDIS_URL") or os.environ.get(
        "TEST_REDIS_URL", "redis://127.0.0.1:6379/0"
    )


def require_redis(url: str) -> None:
    """Skip when Redis is unreachable, except on CI, where that is a failure."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Redis at {url} is unreachable: {exc}")
        pytest.skip(f"Redis at {url} is unreachable ({exc}); CI runs this test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(*args: str, env: dict[str, str]) -> str:
    """Run a management command to completion; fail with its output if it fails."""
    done = subprocess.run(
        [*MANAGE, *args], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a long-running process in its own process group, output to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(
    condition: Callable[[], bool], *, what: str, timeout: float = 60, log: Path | None = None
) -> None:
    """Poll until `condition()` holds; a deadline only stops a hung test, it is not asserted on."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            output = log.read_text(errors="replace")[-4000:] if log else ""
            raise AssertionError(f"gave up waiting for {what}\n{output}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM) -> int:
    """Stop a process started by `start` (and its group); kill it if it does not go."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            return process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return process.wait(timeout=20)


# --- /proc: the processes a test started, however deep --------------------------------------


def process_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, session id, state) for every live process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def descendants(root: int) -> set[int]:
    table = process_table()
    found = {root}
    changed = True
    while changed:
        changed = False
        for pid, (parent, _session, _state) in table.items():
            if parent in found and pid not in found:
                found.add(pid)
                changed = True
    found.discard(root)
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pids: set[int], sessions: set[int]) -> set[int]:
    """Which of `pids`, or any process in `sessions`, still runs (zombies count as gone)."""
    return {
        pid
        for pid, (_parent, session, state) in process_table().items()
        if state != "Z" and (pid in pids or session in sessions)
    }


def sessions_of(pids: set[int]) -> set[int]:
    table = process_table()
    return {table[pid][1] for pid in pids if pid in table}


def kill_tree(root: int, *, also: set[int] | None = None) -> None:
    """Clean-up after a failed test: SIGKILL `root`, its descendants (`also`: ones seen before)
    and the process groups they lead, since honcho starts each of its processes in a new one."""
    pids = descendants(root) | {root} | (also or set())
    groups = set()
    for pid in pids:
        try:
            groups.add(os.getpgid(pid))
        except ProcessLookupError:
            continue
    groups.discard(os.getpgrp())  # never the test's own group
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def web_command() -> list[str]:
    """The ``web`` line of ``Procfile.dev`` (the server ``make run`` starts, on ``$PORT``), as a
    command for ``start``; the benchmarks run it too."""
    for line in (BASE_DIR / "Procfile.dev").read_text().splitlines():
        if line.startswith("web:"):
            return ["bash", "-c", "exec " + line.removeprefix("web:").strip(), "web"]
    raise AssertionError("Procfile.dev has no web line")
