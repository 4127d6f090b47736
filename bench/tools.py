"""Outside tools the benchmarks drive, all on loopback and bounded in time.

- ``lighthouse``: Google Lighthouse (npm, pinned, installed on first use under
  ``var/bench-node``) against Debian's Chromium, mobile emulation; returns the category scores.
- ``wrk_rps``: requests per second from ``wrk`` (Debian) at a fixed number of connections.
- ``nginx``: a throwaway nginx serving a folder on a free loopback port, stopped on exit.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_PREFIX = ROOT / "var" / "bench-node"
LIGHTHOUSE_VERSION = "13.5.0"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _apt_install(*packages: str) -> None:
    missing = [name for name in packages if shutil.which(name) is None]
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, timeout=600)


def lighthouse(url: str, *, timeout: int = 240) -> dict[str, int]:
    """Lighthouse scores (0-100) for ``url`` per category, mobile emulation (its default)."""
    cli = NODE_PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        NODE_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(NODE_PREFIX),
             f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
            timeout=600,
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--output=json",
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROMIUM_FLAGS} --user-data-dir={profile}",
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin", "HOME": profile},
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    for key in CATEGORIES:  # say what cost points, so a score below 100 can be acted on
        refs = report["categories"].get(key, {}).get("auditRefs", [])
        failed = [
            ref["id"]
            for ref in refs
            if ref.get("weight") and (report["audits"][ref["id"]].get("score") or 0) < 1
        ]
        if failed:
            print(f"lighthouse {key} lost points on: {', '.join(failed)}", file=sys.stderr)
    return {
        key: round((report["categories"][key]["score"] or 0) * 100)
        for key in CATEGORIES
        if key in report["categories"]
    }


def wrk_rps(url: str, *, connections: int = 32, seconds: int = 10, threads: int = 2) -> float:
    """Requests per second ``wrk`` sustains against ``url`` (loopback only)."""
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError("load is only ever generated against loopback")
    _apt_install("wrk")
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed responses from {url}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if match is None:
        raise RuntimeError(f"unexpected wrk output: {result.stdout}")
    return float(match.group(1))


@contextmanager
def nginx(config_body: str) -> Iterator[int]:
    """Run nginx with ``config_body`` (the inside of an ``http {}`` block, with ``{port}`` where
    it listens) on a free loopback port; yields the port and stops nginx on exit."""
    _apt_install("nginx")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder)
        (prefix / "logs").mkdir()
        conf = prefix / "nginx.conf"
        conf.write_text(
            "daemon off; worker_processes auto; pid nginx.pid; error_log logs/error.log;\n"
            "events { worker_connections 1024; }\n"
            "http {\n include /etc/nginx/mime.types; access_log off;\n"
            f" client_body_temp_path {prefix / 'body'}; proxy_temp_path {prefix / 'proxy'};\n"
            f"{config_body.replace('{port}', str(port))}\n}}\n"
        )
        process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf)])
        try:
            _wait_for_port(port, process)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], *, attempts: int = 100) -> None:
    import time

    for _ in range(attempts):
        if process.poll() is not None:
            raise RuntimeError("nginx exited on start")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")
