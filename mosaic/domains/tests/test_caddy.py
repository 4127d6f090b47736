"""Debian's caddy with its internal CA on loopback, in front of a live Mosaic: on-demand TLS
asks ``/_domains/ask/``, so a verified domain gets a certificate and the site, and any other
host gets no certificate at all (docs/operations.md, "Custom domains")."""

from __future__ import annotations

import pytest

from conftest import make_user
from mosaic.billing.models import Subscription
from mosaic.domains import services
from mosaic.domains.tests.conftest import HOST, fetch
from mosaic.websites import services as websites
from mosaic.websites.tests.conftest import make_post

pytestmark = pytest.mark.django_db(transaction=True)


def test_caddy_serves_a_verified_domain_and_refuses_any_other_host(
    caddy, dns_server, settings, django_capture_on_commit_callbacks
):
    settings.DOMAINS_CNAME_TARGET = "sites.mosaic.test"
    user = make_user("olivia")
    Subscription.objects.create(user=user, provider="offline", status="active")
    make_post(user, "Harbour at dawn")
    with django_capture_on_commit_callbacks(execute=True):
        site = websites.create_site(owner=user, slug="olivia", title="Olivia on her own domain")
        websites.publish(site=site)
    domain = services.set_domain(site=site, raw=HOST)
    dns_server.set_txt(f"_mosaic-verify.{HOST}", f"mosaic-verify={domain.token}")
    dns_server.set_cname(HOST, "sites.mosaic.test")
    assert services.check(domain=domain)

    served = fetch(HOST, caddy)
    assert served.returncode == 0, served.stderr
    assert served.stdout.endswith("\n200")
    assert "Olivia on her own domain" in served.stdout

    refused = fetch("unverified.example.net", caddy)
    assert refused.returncode != 0  # no certificate: the TLS handshake fails
    assert not refused.stdout.rstrip("0\n")


def test_the_production_caddyfile_is_valid(tmp_path):
    """deploy/caddy/Caddyfile, as shipped, passes ``caddy validate``."""
    import subprocess
    from pathlib import Path

    from django.conf import settings

    from mosaic.domains.tests.conftest import CADDY

    if not Path(CADDY).exists():
        raise RuntimeError(f"{CADDY} is missing: run `make test`, which installs it")
    config = Path(settings.BASE_DIR) / "deploy" / "caddy" / "Caddyfile"
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run(
        [CADDY, "validate", "--adapter", "caddyfile", "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ask http://127.0.0.1:8000/_domains/ask/" in config.read_text()
