"""Who is a member (C8): an account with a verified address at a verified domain.

- When a domain is verified, every account with a verified address there is told. An account
  that existed before the verification gets ``ORGANIZATIONS_NOTICE_DAYS`` (14) to move to a
  personal address before it is claimed: two weeks cover a holiday week plus one of normal
  mail-reading, and the admins gain no power over an account whose owner has not had a fair
  chance to leave. An account created afterwards with such an address is claimed at once (it
  was made knowing the address is the organization's) and told so.
- An address verified later joins the same way; removing or changing the last address at the
  domain ends the membership (and any suspension or restriction with it). The account and its
  sites stay the person's: nothing is deleted when a membership ends.
- A lapsed domain adds nobody; a claim waits until it is verified again.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.mail.services import send
from mosaic.organizations import events
from mosaic.organizations.domains import domain_of
from mosaic.organizations.models import Domain, Membership, Organization


def admins(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            organization=organization,
            role__in=(Membership.Role.OWNER, Membership.Role.ADMIN),
            claimed_at__isnull=False,
            blocked_at__isnull=True,
        )
        .select_related("user")
        .order_by("role", "user__username")
    )


def _verified_domains_of(user: User) -> set[str]:
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {domain_of(email) for email in emails}


def _join(*, user: User, domain: Domain, now: dt.datetime) -> Membership:
    existing = domain.verified_at is None or user.date_joined < domain.verified_at
    claim_after = now + dt.timedelta(days=settings.ORGANIZATIONS_NOTICE_DAYS) if existing else now
    membership = Membership.objects.create(
        organization=domain.organization,
        user=user,
        domain=domain,
        notified_at=now,
        claim_after=claim_after,
        claimed_at=None if existing else now,
    )
    template = "organizations/email/notice" if existing else "organizations/email/claimed"
    _mail_member(membership, template)
    return membership


def _mail_member(membership: Membership, template: str) -> None:
    send(
        template,
        to=membership.user.email,
        user=membership.user,
        context={
            "membership": membership,
            "organization": membership.organization,
            "domain": membership.domain,
            "page_url": settings.SITE_URL.rstrip("/") + "/panel/organization/me/",
            "notice_days": settings.ORGANIZATIONS_NOTICE_DAYS,
        },
    )


def scan_domain(*, domain: Domain, now: dt.datetime | None = None, limit: int = 500) -> int:
    """A domain was verified: tell up to ``limit`` accounts with a verified address there that
    are in no organization yet (``tasks.scan_domain`` repeats it until none is left). Returns
    how many were told."""
    now = now or timezone.now()
    user_ids = (
        EmailAddress.objects.filter(verified=True, email__iendswith=f"@{domain.name}")
        .exclude(user__org_membership__isnull=False)
        .filter(user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    told = 0
    with transaction.atomic():
        for user in User.objects.filter(pk__in=list(user_ids)):
            _join(user=user, domain=domain, now=now)
            told += 1
    return told


def sync_user(*, user: User, now: dt.datetime | None = None) -> Membership | None:
    """After the account's addresses changed: end a membership whose address is gone, or
    start one for a newly verified address at a verified domain. Returns the membership."""
    now = now or timezone.now()
    held = _verified_domains_of(user)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("domain", "organization")
            .filter(user=user)
            .first()
        )
        if membership is not None:
            if membership.domain is None or membership.domain.name in held:
                return membership
            end_membership(membership=membership)
        domain = (
            Domain.objects.verified()
            .filter(name__in=held)
            .select_related("organization")
            .order_by("verified_at")
            .first()
        )
        if domain is None:
            return None
        return _join(user=user, domain=domain, now=now)


def end_membership(*, membership: Membership, tell: bool = True) -> None:
    """The membership ends; a suspension and every restriction end with it. The account and
    its sites stay the person's."""
    was_suspended = membership.suspended_at is not None
    if tell and membership.blocked_at is None:
        _mail_member(membership, "organizations/email/ended")
    membership.delete()
    if was_suspended:
        events.member_online.send(sender=Membership, user_id=membership.user_id)


def release(*, membership: Membership) -> None:
    """The organization is deleted: the membership ends like any other (a suspension and every
    restriction with it), blocked or still in its notice period, and the person is told."""
    _mail_member(membership, "organizations/email/closed")
    end_membership(membership=membership, tell=False)


def claim_due(*, now: dt.datetime | None = None) -> int:
    """Claim the accounts whose notice has ended, if their address and the domain still
    qualify (a lapsed domain waits; an address gone ends the notice)."""
    now = now or timezone.now()
    due = Membership.objects.filter(
        claimed_at__isnull=True,
        blocked_at__isnull=True,
        claim_after__lte=now,
        organization__closing_at__isnull=True,  # released, and told, by ``closing``
    ).select_related("domain", "user", "organization")
    claimed = 0
    for membership in list(due[:500]):
        domain = membership.domain
        if domain is None or domain.name not in _verified_domains_of(membership.user):
            end_membership(membership=membership, tell=False)
            continue
        if domain.status != Domain.Status.VERIFIED:
            continue
        with transaction.atomic():
            updated = Membership.objects.filter(pk=membership.pk, claimed_at__isnull=True).update(
                claimed_at=now
            )
            if updated:
                membership.claimed_at = now
                _mail_member(membership, "organizations/email/claimed")
                claimed += 1
    return claimed
