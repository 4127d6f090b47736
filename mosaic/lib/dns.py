"""DNS lookups (TXT, CNAME, A/AAAA) through dnspython, with the resolver from the settings.

    from mosaic.lib import dns
    dns.txt_records("_mosaic-verify.example.org")   # ["mosaic-verify=abc...", ...]
    dns.cname_target("www.shop.example")             # "sites.mosaic.example" or None
    dns.addresses("shop.example")                    # ["203.0.113.7", ...]

``DNS_RESOLVERS`` (``host`` or ``host:port``, IPv6 as ``[::1]:53``) names the servers to ask;
empty means the machine's own (``/etc/resolv.conf``). ``DNS_TIMEOUT`` bounds one whole lookup,
retries included. The tests point both at Debian's dnsmasq on a loopback port (the
``dns_server`` fixture in the root ``conftest.py``), never at a patched resolver.

Two kinds of failure, because callers must tell them apart: ``NoRecord`` means a server
answered that there is no such record (the name does not exist, or has no record of that
type), so a verification can be declared failed; ``LookupFailed`` means no answer could be
had (timeout, server failure, refused), so nothing is known and the caller should try again
later rather than act on it. Both carry a message fit to show a person.
"""

from __future__ import annotations

import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


class DnsError(Exception):
    """A lookup that gave no record; ``str()`` is a sentence for the person who asked."""


class NoRecord(DnsError):
    """The DNS answered: no such name, or no record of that type there."""


class LookupFailed(DnsError):
    """No answer could be had: timeout, server failure, refused, or a malformed name."""


def parse_server(entry: str) -> tuple[str, int]:
    """``"127.0.0.1:5353"`` -> ("127.0.0.1", 5353); ``"[::1]:53"``, ``"::1"``, ``"9.9.9.9"``."""
    entry = entry.strip()
    host, port = entry, "53"
    if entry.startswith("["):
        host, _sep, rest = entry[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(f"DNS_RESOLVERS: {entry!r} is not host or host:port")
    return host, int(port)


def resolver() -> dns.resolver.Resolver:
    """A resolver for ``DNS_RESOLVERS`` (or the system's), bounded by ``DNS_TIMEOUT``."""
    servers = [parse_server(entry) for entry in settings.DNS_RESOLVERS]
    made = dns.resolver.Resolver(configure=not servers)
    if servers:
        made.nameservers = [dns.nameserver.Do53Nameserver(host, port) for host, port in servers]
    made.lifetime = float(settings.DNS_TIMEOUT)
    made.timeout = min(2.0, made.lifetime)
    made.cache = None  # every check asks afresh: a record just added must be seen
    return made


def _name(name: str) -> dns.name.Name:
    try:
        return dns.name.from_text(name.strip().rstrip(".") + ".")
    except (dns.exception.DNSException, UnicodeError, ValueError) as exc:
        raise LookupFailed(_("“%(name)s” is not a valid DNS name.") % {"name": name}) from exc


def _resolve(name: str, rdtype: dns.rdatatype.RdataType) -> dns.resolver.Answer:
    qname = _name(name)
    kind = dns.rdatatype.to_text(rdtype)
    shown = {"name": qname.to_text(omit_final_dot=True), "type": kind}
    try:
        return resolver().resolve(qname, rdtype, search=False, raise_on_no_answer=True)
    except dns.resolver.NXDOMAIN as exc:
        raise NoRecord(_("%(name)s does not exist in DNS.") % shown) from exc
    except dns.resolver.NoAnswer as exc:
        raise NoRecord(_("%(name)s has no %(type)s record.") % shown) from exc
    except dns.resolver.LifetimeTimeout as exc:
        raise LookupFailed(
            _("The DNS did not answer for %(name)s in time; we will try again.") % shown
        ) from exc
    except dns.resolver.NoNameservers as exc:
        raise LookupFailed(
            _("The DNS servers for %(name)s failed to answer; we will try again.") % shown
        ) from exc
    except dns.exception.DNSException as exc:
        raise LookupFailed(
            _("The DNS lookup of %(name)s failed; we will try again.") % shown
        ) from exc


def txt_records(name: str) -> list[str]:
    """Every TXT record at ``name``, each record's strings joined (RFC 7208 3.3)."""
    answer = _resolve(name, dns.rdatatype.TXT)
    return [b"".join(record.strings).decode("utf-8", errors="replace") for record in answer]


def cname_target(name: str) -> str | None:
    """Where ``name``'s CNAME points (no trailing dot, lower case), or None without a CNAME."""
    try:
        answer = _resolve(name, dns.rdatatype.CNAME)
    except NoRecord:
        return None
    target = next(iter(answer)).target
    return str(target.to_text(omit_final_dot=True)).lower()


def addresses(name: str) -> list[str]:
    """The IPv4 and IPv6 addresses ``name`` resolves to (CNAMEs followed); NoRecord if none."""
    found: list[str] = []
    missing: NoRecord | None = None
    for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        try:
            found += [record.to_text() for record in _resolve(name, rdtype)]
        except NoRecord as exc:
            missing = exc
    if not found and missing is not None:
        raise missing
    return found
