from __future__ import annotations

from datetime import timedelta

from mosaic.jobs.registry import periodic
from mosaic.organizations import closing, members, services


@periodic(name="organizations.check_pending", every=timedelta(minutes=5))
def check_pending_domains() -> int:
    """Look up the TXT record of pending domains (each every ORGANIZATIONS_PENDING_CHECK_MINUTES,
    for ORGANIZATIONS_PENDING_DAYS); returns how many were checked."""
    return services.check_pending()


@periodic(name="organizations.reverify", every=timedelta(hours=1))
def reverify_domains() -> int:
    """Re-verify verified and lapsed domains every ORGANIZATIONS_REVERIFY_HOURS; a missing record
    lapses the domain and emails its admins."""
    return services.reverify()


@periodic(name="organizations.claim_due", every=timedelta(hours=1))
def claim_due_members() -> int:
    """Claim the accounts whose notice period has ended (and whose address and domain still
    qualify); returns how many were claimed."""
    return members.claim_due()


@periodic(name="organizations.finish_closing", every=timedelta(minutes=10))
def finish_closing() -> int:
    """Queue again the release of deleted organizations' members whose tasks have not moved
    for 10 minutes (a worker died); returns how many organizations were queued."""
    return closing.resume()
