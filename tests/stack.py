"""The production stack on loopback, for tests that must look from outside: Debian's nginx with
deploy/nginx/mosaic.conf (TLS included) in front of Granian in production mode, both reading
the test database and one folder of files, and an SMTP catcher for the mail they send.

The test process writes data with the ORM (``transactional_db``, so the server sees it) and
files under ``Stack.var`` (its settings point there); clients talk HTTPS to nginx from any
loopback address (``Stack.client(source=...)``), so nginx sees different visitors.
"""

from __future__ import annotations

import re
import shutil
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller

from bench import tools
from conftest import SmtpCatcher
from tests.processes import (
    MANAGE,
    free_port,
    manage,
    production_env,
    start,
    stop,
    wait_for,
)

HOST = "mosaic.example"
GRANIAN = str(Path(MANAGE[0]).parent / "granian")


@dataclass
class Stack:
    url: str
    var: Path
    env: dict[str, str]
    certificate: Path
    access_log: Path
    mail: SmtpCatcher
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def media(self) -> Path:
        return self.var / "media"

    def client(self, *, source: str = "127.0.0.2", user_agent: str = "") -> httpx.Client:
        """A browser-like HTTPS client connecting from ``source`` (any 127.x.y.z)."""
        headers = {"Host": HOST}
        if user_agent:
            headers["User-Agent"] = user_agent
        client = httpx.Client(
            base_url=self.url,
            headers=headers,
            verify=ssl.create_default_context(cafile=str(self.certificate)),
            transport=httpx.HTTPTransport(
                local_address=source,
                verify=ssl.create_default_context(cafile=str(self.certificate)),
            ),
            timeout=20,
        )
        self.clients.append(client)
        return client

    def sign_in(self, client: httpx.Client, login: str, password: str) -> httpx.Response:
        """Through the real form, with its CSRF token, as a browser does."""
        form = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        return client.post(
            "/accounts/login/",
            data={"login": login, "password": password, "csrfmiddlewaretoken": token.group(1)},
            headers={"Origin": f"https://{HOST}", "Referer": f"https://{HOST}/accounts/login/"},
        )

    def run_tasks(self) -> None:
        """Run what the web process queued (emails, publishing), as the worker would."""
        manage("db_worker", "--batch", "--no-startup-delay", env=self.env)


@contextmanager
def production_stack(*, database_url: str, **settings: str) -> Iterator[Stack]:
    """Start the stack; ``settings`` are extra environment variables for the app."""
    var = Path(tempfile.mkdtemp(prefix="mosaic-stack-"))
    var.chmod(0o755)  # nginx's workers run as another user and must read media/ and sites/
    for folder in ("media", "guarded", "sites", "logs"):
        (var / folder).mkdir(mode=0o755)
    catcher = SmtpCatcher()
    smtp = Controller(catcher, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app_port = free_port()
    env = production_env(
        DATABASE_URL=database_url,
        MOSAIC_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "media"),
        WEBSITES_PUBLISHED_ROOT=str(var / "sites"),
        MEDIA_ACCEL_REDIRECT="/_guarded/",
        TRUSTED_PROXY_COUNT="1",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}",
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        STATS_SITE_CACHE_SECONDS="0",
        STATS_SPOOL_DIR=str(var / "stats-spool"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        LOG_LEVEL="WARNING",
        **settings,
    )
    manage("createcachetable", env=env)  # the server's cache lives in the test database
    manage("collectstatic", "--noinput", "-v0", env=env)
    log = var / "granian.log"
    command = [
        GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(app_port),
        "--workers", "1", "--blocking-threads", "4", "--no-ws", "--no-access-log",
        "mosaic.wsgi:application",
    ]  # fmt: skip
    app = start(command, env=env, log=log)
    certificate, key = tools.self_signed_certificate(var)
    config = tools.production_nginx_config(
        app_port=app_port, var_dir=var, log_dir=var / "logs", certificate=certificate, key=key
    )
    stack = None
    try:
        with tools.nginx(config) as port:
            stack = Stack(
                url=f"https://127.0.0.1:{port}",
                var=var,
                env=env,
                certificate=certificate,
                access_log=var / "logs" / "mosaic.log",
                mail=catcher,
            )
            probe = stack.client()

            def answers() -> bool:
                try:
                    return probe.get("/accounts/login/").status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for(answers, what="the app behind nginx", log=log)
            yield stack
    finally:
        for client in stack.clients if stack else ():
            client.close()
        stop(app)
        smtp.stop()
        shutil.rmtree(var, ignore_errors=True)
