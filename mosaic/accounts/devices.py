"""Recognising devices from a request, coarsely (P19)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.utils.translation import gettext
from ua_parser import parse


def _network(ip: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 16 if address.version == 4 else 64
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def network_of(ip: str) -> str:
    """The approximate network of an address: its IPv4 /16 or IPv6 /64, as CIDR text."""
    network = _network(ip)
    return str(network) if network else "unknown"


def network_label(ip: str) -> str:
    """The network in words a person reads: "198.51.x.x" (IPv4 /16), "2001:db8:1:2::/64"."""
    network = _network(ip)
    if network is None:
        return gettext("unknown")
    if network.version == 4:
        first, second = str(network.network_address).split(".")[:2]
        return f"{first}.{second}.x.x"
    return str(network)


def network_address(ip: str | None) -> str | None:
    """An address with its host part zeroed (IPv4 /16, IPv6 /64): what P03 keeps after 30 days."""
    network = _network(ip or "")
    return str(network.network_address) if network else None


@lru_cache(maxsize=1024)
def browser_of(user_agent: str) -> str:
    """A short description such as "Firefox on Linux" (major versions change too often to use)."""
    parsed = parse(user_agent[:512])
    browser = parsed.user_agent.family if parsed.user_agent else "Unknown browser"
    system = parsed.os.family if parsed.os else "unknown system"
    return f"{browser} on {system}"[:120]
