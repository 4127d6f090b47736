"""Background work for organizations; tasks take ids and are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from mosaic.organizations import members
from mosaic.organizations.models import Domain


@task()
def scan_domain(domain_id: int) -> int:
    """A domain was verified: tell the accounts with a verified address there,
    ``ORGANIZATIONS_SCAN_BATCH`` at a time (each its own transaction), so a large school never
    holds one long transaction or keeps the admin's "Check now" waiting. Returns how many
    were told in this batch."""
    domain = Domain.objects.verified().select_related("organization").filter(pk=domain_id).first()
    if domain is None:
        return 0  # lapsed or removed meanwhile: its accounts are told when it is verified again
    batch = settings.ORGANIZATIONS_SCAN_BATCH
    told = members.scan_domain(domain=domain, limit=batch)
    if told == batch:
        scan_domain.enqueue(domain_id)
    return told
