"""Organizations and their domains: create, add a domain, verify it through DNS, keep it
verified (C8). Members are in ``members``, the admins' powers in ``powers``, and deleting
an organization in ``closing``."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mosaic.accounts.models import User
from mosaic.lib import dns
from mosaic.mail.services import send
from mosaic.organizations import domains, members, tasks
from mosaic.organizations.models import Domain, Membership, Organization

logger = logging.getLogger(__name__)

#: How many domains one periodic run checks at most (each is one DNS lookup).
CHECK_BATCH = 200


class DomainTaken(Exception):
    """The domain already belongs to an organization (one domain, one organization)."""


def create_organization(*, owner: User, name: str, now: dt.datetime | None = None) -> Organization:
    """The creator becomes its owner (claimed at once: they chose it). An account belongs to
    one organization at most."""
    now = now or timezone.now()
    if Membership.objects.filter(user=owner).exists():
        raise ValueError("this account already belongs to an organization")
    with transaction.atomic():
        organization = Organization.objects.create(name=name.strip(), created_at=now)
        Membership.objects.create(
            organization=organization,
            user=owner,
            role=Membership.Role.OWNER,
            notified_at=now,
            claim_after=now,
            claimed_at=now,
        )
    return organization


def add_domain(*, organization: Organization, name: str, now: dt.datetime | None = None) -> Domain:
    """A pending domain with a fresh token; ``ValidationError`` for a domain no organization
    may claim, ``DomainTaken`` when one already has it."""
    name = domains.check_claimable(name)
    try:
        with transaction.atomic():
            return Domain.objects.create(
                organization=organization, name=name, created_at=now or timezone.now()
            )
    except IntegrityError as exc:
        raise DomainTaken(name) from exc


def remove_domain(*, domain: Domain) -> int:
    """The organization gives the domain up: the memberships that came through it end (a
    member is an account with an address at one of its verified domains), each member is
    told, and nobody joins through it any more. Returns how many memberships ended."""
    with transaction.atomic():
        through = list(
            Membership.objects.select_for_update(of=("self",))
            .filter(domain=domain)
            .select_related("user", "organization", "domain")
        )
        for membership in through:
            members.end_membership(membership=membership)
        domain.delete()
    return len(through)


def check_domain(*, domain: Domain, now: dt.datetime | None = None) -> str:
    """Ask the DNS for the domain's TXT record and move its status:

    - found: pending or lapsed -> verified (and the accounts at the domain are told, by a
      task after commit);
    - the DNS answered without it: verified -> lapsed (its admins are emailed; nobody new
      joins through it until it is verified again); a pending domain stays pending until
      ``ORGANIZATIONS_PENDING_DAYS`` after it was added, then expires;
    - no answer (timeout, server failure): nothing changes; the next run asks again.

    Returns the new status."""
    now = now or timezone.now()
    try:
        found = domains.record_found(domain.name, domain.token)
    except dns.LookupFailed as exc:
        Domain.objects.filter(pk=domain.pk).update(checked_at=now, last_result=str(exc)[:300])
        return str(Domain.objects.values_list("status", flat=True).get(pk=domain.pk))
    with transaction.atomic():
        domain = Domain.objects.select_for_update().get(pk=domain.pk)
        domain.checked_at = now
        if found:
            domain.last_result = _("The record is there.")
            if domain.status != Domain.Status.VERIFIED:
                domain.status = Domain.Status.VERIFIED
                domain.verified_at = now
                domain.lapsed_at = None
                domain.save()
                transaction.on_commit(partial(tasks.scan_domain.enqueue, domain.pk))
                return domain.status
        else:
            domain.last_result = _("The DNS answered, but %(name)s has no record %(value)s.") % {
                "name": domain.record_name,
                "value": domain.record_value,
            }
            if domain.status == Domain.Status.VERIFIED:
                domain.status = Domain.Status.LAPSED
                domain.lapsed_at = now
                _tell_admins_lapsed(domain)
            elif domain.status == Domain.Status.PENDING and now >= pending_until(domain):
                domain.status = Domain.Status.EXPIRED
        domain.save()
        return domain.status


def pending_until(domain: Domain) -> dt.datetime:
    return domain.created_at + dt.timedelta(days=settings.ORGANIZATIONS_PENDING_DAYS)


def _tell_admins_lapsed(domain: Domain) -> None:
    for membership in members.admins(domain.organization):
        send(
            "organizations/email/domain_lapsed",
            to=membership.user.email,
            user=membership.user,
            context={"domain": domain, "organization": domain.organization},
        )


def check_pending(*, now: dt.datetime | None = None) -> int:
    """Periodic: every pending domain not checked within ORGANIZATIONS_PENDING_CHECK_MINUTES."""
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=settings.ORGANIZATIONS_PENDING_CHECK_MINUTES)
    due = Domain.objects.filter(status=Domain.Status.PENDING).exclude(checked_at__gt=since)
    return _check_all(due, now)


def reverify(*, now: dt.datetime | None = None) -> int:
    """Periodic: verified and lapsed domains not checked within ORGANIZATIONS_REVERIFY_HOURS
    (a lapsed domain comes back when its record does)."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=settings.ORGANIZATIONS_REVERIFY_HOURS)
    due = Domain.objects.filter(status__in=(Domain.Status.VERIFIED, Domain.Status.LAPSED)).exclude(
        checked_at__gt=since
    )
    return _check_all(due, now)


def _check_all(due: object, now: dt.datetime) -> int:
    checked = 0
    for domain in list(due.order_by("checked_at")[:CHECK_BATCH]):  # type: ignore[attr-defined]
        try:
            check_domain(domain=domain, now=now)
        except Exception:  # one domain's failure must not stop the others
            logger.exception("organizations: checking domain %s failed", domain.pk)
        checked += 1
    return checked
