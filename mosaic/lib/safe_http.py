"""Fetching a URL someone else gave us (an Instagram ``media_url``) without becoming their proxy.

A URL is fetched only if, at every hop:

1. its scheme is https (http only when the policy explicitly allows insecure fetching, which
   only the development stand-in configuration does);
2. its host is on the policy's allow-list (a listed name or any subdomain of it);
3. every address the host resolves to is public (no loopback, private, link-local such as the
   cloud metadata service at 169.254.169.254, multicast or reserved ranges), unless the policy
   allows insecure fetching;
4. the connection goes to the address that was checked (the URL is rewritten to that address,
   with the original name sent as Host and TLS SNI so the certificate is still verified for the
   name), so a second DNS answer cannot swap in another address.

Redirects are followed by hand, at most ``max_redirects`` times, each new location checked
again from step 1. Connect and read timeouts plus an overall deadline bound the time; the body
is streamed and refused once it passes ``max_bytes``. Every refusal raises ``UnsafeURL`` (or
``TooLarge``) with a clear message, and is logged with the host only, never the full URL.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from mosaic.lib.deferred import DeferredError, gettext_noop

logger = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchError(DeferredError):
    """The fetch failed: network error, bad status, or a refusal (see subclasses); ``text`` says
    why in the reader's language, ``str()`` in English."""


class UnsafeURL(FetchError):
    """The URL, or a redirect on the way, points somewhere the policy does not allow."""


class TooLarge(FetchError):
    """The body is bigger than the policy's size cap."""


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(
            gettext_noop("the host %(host)s cannot be resolved"), host=repr(host)
        ) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    allowed_hosts: tuple[str, ...]
    allow_insecure: bool = False  # http and non-public addresses: the local stand-in only
    max_bytes: int = 100 * 1024 * 1024
    max_redirects: int = 3
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 120.0
    resolver: Resolver = field(default=system_resolver, compare=False)
    tls_context: ssl.SSLContext | None = field(default=None, compare=False)  # tests: own CA

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(
            host == allowed or host.endswith("." + allowed)
            for allowed in (entry.lower().strip(".") for entry in self.allowed_hosts)
        )


@dataclass(frozen=True)
class Fetched:
    final_url: str
    content_type: str
    size: int


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _refuse(message: str, hostname: str, /, **params: object) -> UnsafeURL:
    refusal = UnsafeURL(message, **params)
    logger.warning("refused to fetch media from host %r: %s", hostname, refusal)
    return refusal


def _checked_target(url: str, policy: FetchPolicy) -> tuple[str, str, str]:
    """(URL rewritten to the checked address, host header, host name) or UnsafeURL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http"):
        raise _refuse(
            gettext_noop("only https URLs are fetched, not %(scheme)s"),
            host,
            scheme=repr(parts.scheme or "no scheme"),
        )
    if parts.scheme == "http" and not policy.allow_insecure:
        raise _refuse(gettext_noop("only https URLs are fetched; this one is plain http"), host)
    if not host:
        raise _refuse(gettext_noop("the URL has no host"), host)
    if parts.username or parts.password:
        raise _refuse(gettext_noop("URLs with credentials are not fetched"), host)
    if not policy.host_allowed(host):
        raise _refuse(
            gettext_noop("the host %(host)s is not on the allow-list of media hosts"),
            host,
            host=repr(host),
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise _refuse(gettext_noop("the URL has an invalid port"), host) from exc
    addresses = policy.resolver(host, port)
    if not addresses:
        raise FetchError(gettext_noop("the host %(host)s has no address"), host=repr(host))
    if not policy.allow_insecure:
        for address in addresses:
            if not is_public_address(address):
                raise _refuse(
                    gettext_noop("the host %(host)s resolves to a non-public address"),
                    host,
                    host=repr(host),
                )
    address = addresses[0].split("%", 1)[0]
    netloc_host = f"[{address}]" if ":" in address else address
    host_header = parts.netloc.rsplit("@", 1)[-1]
    pinned = urlunsplit((parts.scheme, f"{netloc_host}:{port}", parts.path or "/", parts.query, ""))
    return pinned, host_header, host


@functools.cache
def _default_tls_context() -> ssl.SSLContext:
    """httpx's default verification (certifi's roots), built once: loading the roots costs
    tens of milliseconds, which a client per fetch paid on every photo of an import."""
    return httpx.create_ssl_context()


def fetch(url: str, *, policy: FetchPolicy, into: IO[bytes]) -> Fetched:
    """Stream the body of ``url`` into ``into``; on any error ``into`` may hold a partial body."""
    deadline = time.monotonic() + policy.total_timeout
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    verify = policy.tls_context or _default_tls_context()
    with httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=verify
    ) as client:
        for _hop in range(policy.max_redirects + 1):
            pinned, host_header, host = _checked_target(url, policy)
            request = client.build_request(
                "GET",
                pinned,
                headers={"Host": host_header, "Accept-Encoding": "identity"},
                extensions={"sni_hostname": host},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise FetchError(
                    gettext_noop("fetching from %(host)s failed: %(error)s"),
                    host=repr(host),
                    error=type(exc).__name__,
                ) from exc
            try:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(gettext_noop("a redirect without a Location header"))
                    url = urljoin(url, location)
                    continue
                if response.status_code != 200:
                    raise FetchError(
                        gettext_noop("%(host)s answered HTTP %(status)s"),
                        host=repr(host),
                        status=response.status_code,
                    )
                size = _stream_body(response, into, policy=policy, deadline=deadline)
                return Fetched(
                    final_url=url,
                    content_type=response.headers.get("Content-Type", ""),
                    size=size,
                )
            finally:
                response.close()
    raise _refuse(
        gettext_noop("more than %(count)s redirects"),
        urlsplit(url).hostname or "",
        count=policy.max_redirects,
    )


def _stream_body(
    response: httpx.Response, into: IO[bytes], *, policy: FetchPolicy, deadline: float
) -> int:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise TooLarge(
            gettext_noop("the file is %(size)s bytes; the limit is %(limit)s"),
            size=int(declared),
            limit=policy.max_bytes,
        )
    size = 0
    try:
        for chunk in response.iter_raw(64 * 1024):
            size += len(chunk)
            if size > policy.max_bytes:
                raise TooLarge(
                    gettext_noop("the file is bigger than the limit of %(limit)s bytes"),
                    limit=policy.max_bytes,
                )
            if time.monotonic() > deadline:
                raise FetchError(
                    gettext_noop("the download took longer than %(seconds)s s"),
                    seconds=policy.total_timeout,
                )
            into.write(chunk)
    except httpx.HTTPError as exc:
        raise FetchError(
            gettext_noop("the download failed: %(error)s"), error=type(exc).__name__
        ) from exc
    return size
