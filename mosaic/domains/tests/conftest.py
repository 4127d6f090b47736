"""Custom-domain test helpers: Debian's caddy with its internal CA in front of a live Mosaic."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CADDY = "/usr/bin/caddy"
HOST = "shop.example.com"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def caddyfile(*, backend: str, https_port: int, http_port: int, storage: Path) -> str:
    """deploy/caddy/Caddyfile for a test: loopback ports, the internal CA, no admin API."""
    return f"""{{
	admin off
	skip_install_trust
	local_certs
	http_port {http_port}
	https_port {https_port}
	storage file_system {storage}
	on_demand_tls {{
		ask {backend}/_domains/ask/
	}}
}}

https:// {{
	bind 127.0.0.1
	tls internal {{
		on_demand
	}}
	reverse_proxy {urlsplit(backend).netloc}
}}
"""


@pytest.fixture
def caddy(live_server, tmp_path):
    """Caddy on two free loopback ports, asking the live server; yields its HTTPS port."""
    if not Path(CADDY).exists():
        raise RuntimeError(f"{CADDY} is missing: run `make test`, which installs it")
    https_port, http_port = free_port(), free_port()
    config = tmp_path / "Caddyfile"
    config.write_text(
        caddyfile(
            backend=live_server.url,
            https_port=https_port,
            http_port=http_port,
            storage=tmp_path / "caddy-data",
        )
    )
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "caddy.log").open("wb"),
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", https_port)) == 0:
                break
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("caddy did not start: " + (tmp_path / "caddy.log").read_text()[-2000:])
    yield https_port
    process.terminate()
    process.wait(timeout=10)


def fetch(host: str, port: int, path: str = "/") -> subprocess.CompletedProcess[str]:
    """curl to Caddy on loopback as ``host`` (SNI and Host), trusting nothing but accepting
    the internal CA's certificate (-k): what matters is whether Caddy will issue one."""
    curl = shutil.which("curl") or "curl"
    return subprocess.run(
        [
            curl, "-sk", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}",
            "--resolve", f"{host}:{port}:127.0.0.1", f"https://{host}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
