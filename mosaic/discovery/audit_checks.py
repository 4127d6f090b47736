"""Self-audit checks for the directory (see ``mosaic.audit.registry``): counts only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from mosaic.audit.registry import audit_check
from mosaic.discovery.denylist import is_sensitive_tag
from mosaic.discovery.models import SearchEntry, Similar, SiteTag
from mosaic.websites.models import Site

#: The index sweep runs every minute; a site that left the directory longer ago than this
#: and still has a search entry is a breach (it is hidden from every page meanwhile).
SWEEP_LAG = dt.timedelta(hours=1)


@audit_check("P18")
def recommendations_respect_the_switch_and_the_denylist(now: dt.datetime) -> list[str]:
    """P18: no stored recommendation of or on a site whose owner switched them off or marked
    it sensitive, and no tag recommendations are made from names a sensitive category."""
    breaches = []
    off = Q(recommend=False) | Q(sensitive=True)
    opted_out = Site.objects.filter(off).values("pk")
    stored = Similar.objects.filter(Q(entry_id__in=opted_out) | Q(other_id__in=opted_out))
    if count := stored.count():
        breaches.append(f"{count} recommendations of or on sites that opted out")
    keys = SiteTag.objects.values_list("key", flat=True).distinct().iterator(chunk_size=5000)
    if sensitive := sum(1 for key in keys if is_sensitive_tag(key)):
        breaches.append(f"{sensitive} directory tags name a sensitive category")
    return breaches


@audit_check("P28")
def only_listed_sites_are_in_the_index(now: dt.datetime) -> list[str]:
    """P28, P31: no search entry outlives its site's listing by more than the sweep's lag; an
    account in quarantine has none at all."""
    left = SearchEntry.objects.exclude(site__in=Site.objects.listed()).filter(
        site__updated_at__lt=now - SWEEP_LAG
    )
    quarantined = SearchEntry.objects.filter(site__owner__scheduled_deletion_at__isnull=False)
    breaches = []
    if count := left.count():
        breaches.append(f"{count} search entries of sites that left the directory")
    if count := quarantined.count():
        breaches.append(f"{count} search entries of accounts in quarantine")
    return breaches
