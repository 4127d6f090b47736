"""Background work for organizations; tasks take ids and are safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from mosaic.organizations import closing, members
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


@task()
def release_members(organization_id: int) -> int | None:
    """An organization is being deleted: release ``ORGANIZATIONS_RELEASE_BATCH`` of its
    members in one transaction, and queue the next batch after commit (``closing``). Safe to
    run twice or after a worker died: it finds only the members left. Returns how many were
    released, or None once the organization is gone."""
    return closing.release_batch(organization_id=organization_id)
