"""Organization figures (issue 17), on a throwaway SQLite database and Debian's dnsmasq.

- organizations.verify_ms: one domain check (a TXT lookup through ``mosaic.lib.dns`` against
  dnsmasq on loopback, and the status write), median of 50; the peer is the bare lookup
  (organizations.txt_lookup_ms), so the difference is what the app adds.
- organizations.claim_scan_s_2000: telling the 2,000 existing accounts that have a
  verified address at a domain just verified (the scan task's batches run back to back):
  each is given its membership and its notice email (queued).
- organizations.suspension_check_us: what ``SuspendedMemberMiddleware`` adds to a signed-in
  request (a session lookup), median of 2,000; the peer is ``QuarantineMiddleware``
  (organizations.quarantine_check_us), which reads an attribute of the loaded user, and
  organizations.suspension_query_us is the one query a sign-in makes instead.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

Metric = tuple[str, float | int, str]
ACCOUNTS = 2000


def _throwaway_database(folder: Path) -> None:
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "bench.sqlite3")}
    )
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def _median_us(function, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def run() -> Iterator[Metric]:
    from tests.dnsmasq import DnsServer

    saved = {name: getattr(settings, name) for name in ("DNS_RESOLVERS", "TASKS", "EMAIL_BACKEND")}
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-organizations-") as folder:
        root = Path(folder)
        server = DnsServer(log=root / "dnsmasq.log")
        server.start()
        settings.DNS_RESOLVERS = [server.address]
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}  # queue only
        }
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        try:
            _throwaway_database(root)
            yield from _figures(server)
        finally:
            server.stop()
            connections["default"].close()
            for name, value in saved.items():
                setattr(settings, name, value)


def _figures(server) -> Iterator[Metric]:  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    from mosaic.accounts.models import User
    from mosaic.lib import dns
    from mosaic.organizations import members, services
    from mosaic.organizations.middleware import SuspendedMemberMiddleware
    from mosaic.organizations.models import Membership
    from mosaic.panel.middleware import QuarantineMiddleware

    owner = User.objects.create_user(username="benchowner", email="owner@bench.example")
    organization = services.create_organization(owner=owner, name="Bench School")
    probe = services.add_domain(organization=organization, name="probe.example")
    server.set_txt(probe.record_name, probe.record_value)
    yield (
        "organizations.txt_lookup_ms",
        round(_median_us(lambda: dns.txt_records(probe.record_name), 50) / 1000, 2),
        "ms",
    )
    yield (
        "organizations.verify_ms",
        round(_median_us(lambda: services.check_domain(domain=probe), 50) / 1000, 2),
        "ms",
    )

    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"member{i}", email=f"member{i}@school.example", password=password)
        for i in range(ACCOUNTS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    domain = services.add_domain(organization=organization, name="school.example")
    server.set_txt(domain.record_name, domain.record_value)
    start = time.perf_counter()
    services.check_domain(domain=domain, now=timezone.now())  # queues the scan (dummy queue)
    while members.scan_domain(domain=domain, limit=settings.ORGANIZATIONS_SCAN_BATCH):
        pass  # what the scan task's batches do, back to back
    yield ("organizations.claim_scan_s_2000", round(time.perf_counter() - start, 2), "s")
    assert Membership.objects.filter(domain=domain).count() == ACCOUNTS

    from django.contrib.sessions.backends.db import SessionStore

    from mosaic.organizations.middleware import suspended as is_suspended

    request = HttpRequest()
    request.session = SessionStore()
    request.user = users[0]
    request.path = "/panel/"
    answer = HttpResponse()
    suspended = SuspendedMemberMiddleware(lambda _request: answer)
    quarantine = QuarantineMiddleware(lambda _request: answer)
    suspended(request)  # warm
    yield (
        "organizations.suspension_check_us",
        round(_median_us(lambda: suspended(request), 2000), 1),
        "us",
    )
    yield (
        "organizations.suspension_query_us",
        round(_median_us(lambda: is_suspended(users[0].pk), 2000), 1),
        "us",
    )
    yield (
        "organizations.quarantine_check_us",
        round(_median_us(lambda: quarantine(request), 2000), 1),
        "us",
    )
