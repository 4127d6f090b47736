"""Adding and checking a custom domain.

1. The owner enters a host name (``shop.example``); it is normalised (IDNA, lower case) and
   refused when it is Mosaic's own, an IP address, or taken by another site.
2. Mosaic shows two records to create: where the host points (a CNAME to
   ``DOMAINS_CNAME_TARGET``, or A/AAAA records to ``DOMAINS_ADDRESSES``), and a TXT record
   ``mosaic-verify=<token>`` at ``_mosaic-verify.<host>`` proving the owner controls it.
3. ``check`` asks the DNS (``mosaic.lib.dns``) for both; the domain is verified when both are
   right, and the site is then served on it (``middleware``) with TLS from Caddy
   (``views.ask``). A lookup that gets no answer changes nothing (try again later).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mosaic.billing.plans import plan_for
from mosaic.domains.models import CustomDomain
from mosaic.lib import dns
from mosaic.websites.models import Site

TXT_PREFIX = "_mosaic-verify"


class DomainRefused(Exception):
    """``str()`` says why, for the owner."""


@dataclass(frozen=True)
class Record:
    name: str
    type: str
    value: str


def normalise(raw: str) -> str:
    name = raw.strip().lower().rstrip(".")
    if "://" in name:
        name = urlsplit(name).hostname or ""
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        raise DomainRefused(_("Enter a domain name, not an IP address."))
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise DomainRefused(_("“%(name)s” is not a valid domain name.") % {"name": raw}) from exc
    labels = ascii_name.split(".")
    if (
        len(labels) < 2
        or len(ascii_name) > 253
        or not all(0 < len(label) <= 63 for label in labels)
        or not all(c.isalnum() or c == "-" for c in ascii_name.replace(".", ""))
        or any(label.startswith("-") or label.endswith("-") for label in labels)
    ):
        raise DomainRefused(_("“%(name)s” is not a valid domain name.") % {"name": raw})
    own = {urlsplit(settings.SITE_URL).hostname, settings.DOMAINS_CNAME_TARGET}
    if ascii_name in own or any(ascii_name.endswith(f".{host}") for host in own if host):
        raise DomainRefused(_("That is Mosaic's own address: enter a domain of yours."))
    return ascii_name


def records(domain: CustomDomain) -> list[Record]:
    shown = [Record(f"{TXT_PREFIX}.{domain.domain}", "TXT", f"mosaic-verify={domain.token}")]
    if settings.DOMAINS_CNAME_TARGET:
        shown.append(Record(domain.domain, "CNAME", settings.DOMAINS_CNAME_TARGET))
    for address in settings.DOMAINS_ADDRESSES:
        kind = "AAAA" if ":" in address else "A"
        shown.append(Record(domain.domain, kind, address))
    return shown


def set_domain(*, site: Site, raw: str) -> CustomDomain:
    """The site's custom domain (replacing any other, which stops at once)."""
    if not plan_for(site.owner_id).custom_domain:
        raise DomainRefused(_("A custom domain comes with the paid plan."))
    name = normalise(raw)
    try:
        with transaction.atomic():
            CustomDomain.objects.filter(site=site).delete()
            return CustomDomain.objects.create(site=site, domain=name)
    except IntegrityError as exc:
        raise DomainRefused(_("That domain is already in use on Mosaic.")) from exc


def remove_domain(*, site: Site) -> None:
    CustomDomain.objects.filter(site=site).delete()


def _points_here(name: str) -> bool:
    target = settings.DOMAINS_CNAME_TARGET
    if target and dns.cname_target(name) == target.lower():
        return True
    if settings.DOMAINS_ADDRESSES:
        found = set(dns.addresses(name))
        return bool(found) and found <= set(settings.DOMAINS_ADDRESSES)
    return False


def check(*, domain: CustomDomain) -> bool:
    """Ask the DNS now; True when verified. ``dns.LookupFailed`` propagates (nothing known)."""
    problems = []
    try:
        values = dns.txt_records(f"{TXT_PREFIX}.{domain.domain}")
    except dns.NoRecord:
        values = []
    if f"mosaic-verify={domain.token}" not in values:
        problems.append(_("The TXT record is missing or has another value."))
    try:
        pointed = _points_here(domain.domain)
    except dns.NoRecord:
        pointed = False
    if not pointed:
        problems.append(_("The domain does not point to Mosaic yet (CNAME or A/AAAA record)."))
    now = timezone.now()
    domain.checked_at = now
    domain.problem = " ".join(problems)[:300]
    domain.verified_at = None if problems else (domain.verified_at or now)
    domain.save(update_fields=["checked_at", "problem", "verified_at"])
    return not problems


#: How long after being added a domain is checked again by itself, and how many at a time.
PENDING_DAYS = 7
PENDING_BATCH = 200


def check_pending(*, now: dt.datetime | None = None) -> int:
    """Check again the domains added in the last ``PENDING_DAYS`` and not verified, the
    longest unchecked first (at most ``PENDING_BATCH``): records take time to appear, and the
    owner should not have to come back and press the button. Returns how many got verified."""
    now = now or timezone.now()
    pending = CustomDomain.objects.filter(
        verified_at__isnull=True, created_at__gte=now - dt.timedelta(days=PENDING_DAYS)
    ).order_by(F("checked_at").asc(nulls_first=True), "pk")[:PENDING_BATCH]
    verified = 0
    for domain in pending:
        try:
            verified += check(domain=domain)
        except dns.LookupFailed:
            continue  # nothing known: the next run asks again
    return verified


def site_for_host(host: str) -> Site | None:
    """The site served on ``host`` now, or None (not a verified, paid, online domain)."""
    found = CustomDomain.objects.serving().filter(domain=host).select_related("site").first()
    return found.site if found else None
