"""Outside tools the benchmarks drive, all on loopback and bounded in time.

- ``lighthouse``: Google Lighthouse (npm, pinned, installed on first use under
  ``var/bench-node``) against Debian's Chromium, mobile emulation; returns the category scores.
- ``wrk_rps``: requests per second from ``wrk`` (Debian) at a fixed number of connections.
- ``nginx``: a throwaway nginx on a free loopback port, stopped on exit; with
  ``production_nginx_config`` it runs the production configuration, deploy/nginx/mosaic.conf
  (the tests behind nginx use the same two functions: one piece of code, not two).
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
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONFIG = ROOT / "deploy" / "nginx" / "mosaic.conf"
NODE_PREFIX = ROOT / "var" / "bench-node"
LIGHTHOUSE_VERSION = "13.5.0"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --disable-sync --no-first-run"
    " --ignore-certificate-errors"  # the production nginx runs TLS with a throwaway certificate
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


@contextmanager
def chromium_with_cookies(
    cookies: list[dict[str, Any]], profile: str, *, browser_type: Any = None
) -> Iterator[int]:
    """Debian's Chromium, headless with its debugging port open, holding ``cookies`` (Playwright
    ``add_cookies`` entries) in its default profile; yields the port. Lighthouse connects to it
    (``--port``), and opens its tab where the cookies are: a signed-in session stays signed in
    on every request, whatever cookies the pages set (a Cookie header given with
    ``--extra-headers`` is replaced by the browser's own cookies once a page sets one).
    ``browser_type``: a running Playwright's ``chromium`` to connect through (one process may
    run one sync Playwright at a time: the tests pass theirs); else one is started here."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    process = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS.split(), f"--remote-debugging-port={port}",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(port, process, attempts=300)
        with ExitStack() as stack:  # only to set the cookies, then let go
            if browser_type is None:
                browser_type = stack.enter_context(sync_playwright()).chromium
            browser = browser_type.connect_over_cdp(f"http://127.0.0.1:{port}")
            browser.contexts[0].add_cookies(cookies)
            browser.close()  # disconnects; the browser runs on with its cookies
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def lighthouse(
    url: str, *, timeout: int = 240, cookies: list[dict[str, Any]] | None = None
) -> dict[str, int]:
    """Lighthouse scores (0-100) for ``url`` per category, mobile emulation (its default);
    ``cookies`` are in the browser before it starts (a session, to measure signed-in pages)."""
    cli = NODE_PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        NODE_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(NODE_PREFIX),
             f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
            timeout=600,
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as profile, ExitStack() as stack:
        if cookies:
            port = stack.enter_context(chromium_with_cookies(cookies, profile))
            browser = [f"--port={port}"]
        else:
            browser = [f"--chrome-flags={CHROMIUM_FLAGS} --user-data-dir={profile}"]
        result = subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--output=json",
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                *browser,
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
    if not url.startswith(("http://127.0.0.1:", "http://localhost:", "https://127.0.0.1:")):
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


def production_nginx_config(
    *, app_port: int, var_dir: Path, log_dir: Path, certificate: Path, key: Path
) -> str:
    """deploy/nginx/mosaic.conf for ``nginx()``: the HTTPS server on ``{port}`` and the HTTP
    redirect on another free port, both on loopback, with the app at ``app_port``, files under
    ``var_dir`` (media/, guarded/, sites/) and access logs in ``log_dir``. Only the values the
    file marks "rendered" change; a value not found fails loudly, so file and tests cannot
    drift apart."""
    text = NGINX_CONFIG.read_text()
    replacements = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("/srv/mosaic/var/", f"{var_dir}/"),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", "listen 127.0.0.1:{port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/letsencrypt/live/mosaic.example/fullchain.pem", str(certificate)),
        ("/etc/letsencrypt/live/mosaic.example/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{log_dir}/"),
    ]
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"{NGINX_CONFIG} no longer contains {old!r}")
        text = text.replace(old, new)
    return text


def self_signed_certificate(folder: Path, host: str = "mosaic.example") -> tuple[Path, Path]:
    """A throwaway certificate (and its key) for ``host`` and 127.0.0.1, valid one day."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


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


@contextmanager
def throwaway_postgres(server: str, label: str) -> Iterator[str]:
    """A new database ``mosaic_bench_<label>_<pid>`` on the PostgreSQL server at ``server`` (a
    URL; its database part, if any, is ignored), dropped on exit; yields the database's URL."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    base = urlunsplit(urlsplit(server)._replace(path="", query="", fragment=""))
    name = f"mosaic_bench_{label}_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rerun_on_postgresql(
    module: str, server: str, label: str, *, timeout: int
) -> Iterator[tuple[str, float, str]]:
    """Run ``python -m <module>`` again in a fresh process on a throwaway PostgreSQL database
    (a connection cannot change its database engine) and relay the ``name value unit`` lines it
    prints; the child tells it is the PostgreSQL run by ``DATABASE_URL`` being set."""
    import os

    with throwaway_postgres(server, label) as url:
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env["DATABASE_URL"] = url
        done = subprocess.run(
            [sys.executable, "-m", module],
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if done.returncode:
        raise SystemExit(f"the PostgreSQL run of {module} failed:\n{done.stderr[-3000:]}")
    for line in done.stdout.splitlines():
        name, value, unit = line.split()
        yield name, float(value), unit
