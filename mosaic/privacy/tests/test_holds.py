"""P10, P15: a legal hold keeps everything every sweep would otherwise take, until it is lifted.

The hold test is parametrised over the sweep registry: a sweep added anywhere without a way to
plant its due data here fails, so no retention rule escapes the holds unproven.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import User
from mosaic.consent.models import Consent, NewsletterSubscriber
from mosaic.integrations.instagram.models import ImportRun
from mosaic.mail.models import Delivery
from mosaic.posts.models import Post
from mosaic.privacy.archives import lookup_for, seal_account
from mosaic.privacy.holds import NothingToHold, lift_hold, place_hold
from mosaic.privacy.models import DataExport, LegalHold, SealedArchive
from mosaic.privacy.services import erase_account
from mosaic.privacy.sweeps import delete_due, sweeps
from mosaic.staff.models import AuditEntry
from mosaic.stats.models import DailySalt, DailyVisitor, Event
from mosaic.websites.inactivity import with_deadline
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)
LATER = START + dt.timedelta(days=6 * 365)  # past every retention period there is

Remaining = Callable[[], int]


def quarantine_ended(user: User) -> Remaining:
    User.objects.filter(pk=user.pk).update(scheduled_deletion_at=START + dt.timedelta(days=1))
    return User.objects.filter(pk=user.pk).count


def expired_exports(user: User) -> Remaining:
    DataExport.objects.create(user=user, requested_at=START, expires_at=START + dt.timedelta(1))
    return DataExport.objects.filter(user=user).count


def sealed_archives(user: User) -> Remaining:
    """The account is gone; its sealed archive is what the hold is placed on."""
    seal_account(user=user, now=START)
    User.objects.filter(pk=user.pk).delete()
    return SealedArchive.objects.filter(email_lookup=lookup_for(user.email)).count


def audit_log(user: User) -> Remaining:
    """The held account's own actions (an operator under a hold) and the actions on its data."""
    for actor, subject in ((user, None), (None, user)):
        AuditEntry.objects.create(
            at=START,
            actor=actor,
            actor_name="someone",
            role="support",
            action="look",
            target="account:1",
            subject=subject,
            reason="a case",
            delete_after=START + dt.timedelta(days=1),
        )
    return AuditEntry.objects.filter(Q(actor=user) | Q(subject=user), action="look").count


def organization_actions(user: User) -> Remaining:
    """An organization admin's action about the held account, past its period."""
    from mosaic.organizations.models import AdminAction, Organization

    organization = Organization.objects.create(name="School", created_at=START)
    AdminAction.objects.create(
        organization=organization,
        admin_name="an admin",
        member=user,
        kind="view",
        reason="a check",
        at=START - dt.timedelta(days=settings.AUDIT_LOG_DAYS + 1),
    )
    return AdminAction.objects.filter(member=user).count


def security_log_ips(user: User) -> Remaining:
    Session.objects.create(
        session_key="k" * 32, session_data="", expire_date=LATER + dt.timedelta(days=1)
    )
    UserSession.objects.create(
        user=user, ip="203.0.113.77", session_key="k" * 32, user_agent="Firefox", created_at=START
    )
    return UserSession.objects.filter(user=user, ip="203.0.113.77").count


def ended_sessions(user: User) -> Remaining:
    UserSession.objects.create(user=user, ip="203.0.113.77", session_key="e" * 32, user_agent="x")
    return UserSession.objects.filter(user=user).count


def ended_blocks(user: User) -> Remaining:
    user.blocks.create(
        reason="spam",
        blocked_at=START,
        keep_until=START + dt.timedelta(days=365),
        lifted_at=START + dt.timedelta(days=2),
    )
    return user.blocks.count


def legal_records(user: User) -> Remaining:
    """A hold of an earlier case, lifted long ago: its record stays while the account is held."""
    earlier = LegalHold.objects.create(
        user=user, case_reference="OLD-1", reason="r", placed_at=START, lifted_at=START
    )
    return LegalHold.objects.filter(pk=earlier.pk).count


def inactive_sites(user: User) -> Remaining:
    """Both warnings went out long ago: the next run deletes the site, unless it is held."""
    site = Site.objects.create(owner=user, slug="helens-site", title="Helen")
    deadline = with_deadline(Site.objects.filter(pk=site.pk)).get().deletion_deadline  # type: ignore[attr-defined]
    for days in settings.WEBSITES_INACTIVE_WARNING_DAYS:
        site.inactivity_warnings.create(
            deadline=deadline, days_before=days, created_at=START, delivered_at=START
        )
    return Site.objects.filter(owner=user).count


def deleted_sites(user: User) -> Remaining:
    Site.objects.create(owner=user, slug="helens-old-site", title="Old", deleted_at=START)
    return Site.objects.filter(owner=user).count


def imports_without_site(user: User) -> Remaining:
    post = Post.objects.create(
        owner=user, source=Post.Source.INSTAGRAM, external_id="held", taken_at=START
    )
    return Post.objects.filter(pk=post.pk).count


def withdrawn_consents(user: User) -> Remaining:
    Consent.objects.create(
        user=user, purpose="promotional_email", given_at=START, withdrawn_at=START
    )
    return Consent.objects.filter(user=user).count


def unconfirmed_newsletter(user: User) -> Remaining:
    NewsletterSubscriber.objects.create(email=user.email, email_hash="h" * 64, created_at=START)
    return NewsletterSubscriber.objects.filter(email=user.email).count


def instagram_import_records(user: User) -> Remaining:
    ImportRun.objects.create(
        user=user, kind=ImportRun.Kind.FULL, state=ImportRun.State.COMPLETED, finished_at=START
    )
    return ImportRun.objects.filter(user=user).count


def mail_deliveries(user: User) -> Remaining:
    Delivery.objects.create(
        template="t",
        to=user.email,
        user=user,
        subject="s",
        status=Delivery.Status.SENT,
        created_at=START,
        next_attempt_at=START,
        sent_at=START,
    )
    return Delivery.objects.filter(user=user).count


def raw_events(user: User) -> Remaining:
    site = Site.objects.create(owner=user, slug="helens-stats", title="Helen")
    Event.objects.create(site=site, kind="page", at=START, device="phone", visitor="v" * 64)
    return Event.objects.filter(site=site).count


def daily_salts(user: User) -> Remaining:
    """A visitor hash of a day at the held owner's site: visitors' data, not the owner's."""
    site = Site.objects.create(owner=user, slug="helens-salts", title="Helen")
    DailySalt.objects.create(day=START.date(), salt=b"k" * 32)
    DailyVisitor.objects.create(site=site, day=START.date(), visitor="v" * 64)
    return lambda: DailySalt.objects.count() + DailyVisitor.objects.count()


def detached_invoices(user: User) -> Remaining:
    """P09: an invoice whose account ended: detached, kept for its country's years, then gone.
    (An account under a hold is never erased, so its invoices are never detached.)"""
    from mosaic.billing.models import Invoice

    Invoice.objects.create(
        provider="offline",
        provider_ref="in_1",
        year=2026,
        sequence=1,
        number="2026-000001",
        issued_at=START,
        period_start=START.date(),
        period_end=START.date(),
        description="Paid plan",
        currency="EUR",
        net=5,
        vat=1,
        total=6,
        seller={},
        buyer={"name": "Someone"},
        buyer_country="FR",
        keep_until=START + dt.timedelta(days=5 * 365),
    )
    return Invoice.objects.count


#: Sweeps of rows that belong to no account, so no hold can be about them: an unconfirmed
#: newsletter address is nobody's until confirmed; visitor hashes and their salts are about
#: visitors, never the owner (P12). They go even while the account is held.
ACCOUNTLESS: dict[str, Callable[[User], Remaining]] = {
    "unconfirmed-newsletter": unconfirmed_newsletter,
    "stats.daily_salts": daily_salts,
    "billing.invoices": detached_invoices,
}


#: For each sweep: plant data of ``user`` that the sweep takes once due; return a counter of it.
def handled_reports(user: User) -> Remaining:
    from mosaic.moderation.models import AbuseReport

    site = Site.objects.create(owner=user, slug=f"s{user.pk}", title="A site")
    AbuseReport.objects.create(
        site=site, ground="spam", created_at=START, status="dismissed", handled_at=START
    )
    return AbuseReport.objects.filter(site__owner=user).count


PLANTERS: dict[str, Callable[[User], Remaining]] = {
    "moderation.reports": handled_reports,
    "quarantine-ended": quarantine_ended,
    "expired-exports": expired_exports,
    "sealed-archives": sealed_archives,
    "audit-log": audit_log,
    "security-log-ips": security_log_ips,
    "ended-sessions": ended_sessions,
    "ended-blocks": ended_blocks,
    "legal-records": legal_records,
    "inactive-sites": inactive_sites,
    "websites.deleted_sites": deleted_sites,
    "websites.imports_without_site": imports_without_site,
    "withdrawn-consents": withdrawn_consents,
    "instagram-import-records": instagram_import_records,
    "stats.raw_events": raw_events,
    "mail.deliveries": mail_deliveries,
    "organization-actions": organization_actions,
}


def plant_and_hold(planter: Callable[[User], Remaining], legal_operator) -> tuple[Remaining, Any]:
    with time_machine.travel(START, tick=False):
        user = make_user("heldhelen")
        remaining = planter(user)
        [hold] = place_hold(
            operator=legal_operator.user,
            identifier="heldhelen@example.com",
            case_reference="LR-2026-7",
            reason="Preservation order",
        )
    assert remaining() > 0
    return remaining, hold


@pytest.mark.parametrize("rule", sweeps(), ids=lambda rule: rule.name)
def test_p10_a_legal_hold_keeps_what_each_sweep_would_take_until_it_is_lifted(rule, legal_operator):
    if rule.name in ACCOUNTLESS:
        remaining, _hold = plant_and_hold(ACCOUNTLESS[rule.name], legal_operator)
        with time_machine.travel(LATER, tick=False):
            rule.run(timezone.now(), False)
        assert remaining() == 0, f"{rule.name} takes rows that belong to no account, held or not"
        return
    planter = PLANTERS.get(rule.name)
    if planter is None:
        pytest.fail(
            f"sweep {rule.name!r} has no held-data planter: add one to PLANTERS in"
            " mosaic/privacy/tests/test_holds.py to prove legal holds stop it (P10)"
        )
    remaining, hold = plant_and_hold(planter, legal_operator)

    with time_machine.travel(LATER, tick=False):
        rule.run(timezone.now(), False)
        assert remaining() > 0, f"{rule.name} swept held data"

        lift_hold(operator=legal_operator.user, hold=hold, reason="Case closed")
        rule.run(timezone.now(), False)
        assert remaining() == 0, f"{rule.name} should take the data once the hold is lifted"


def test_p10_erasure_refuses_a_held_account_whoever_asks(owner, legal_operator):
    place_hold(
        operator=legal_operator.user, identifier="olivia", case_reference="C-1", reason="Order"
    )

    assert erase_account(user=owner.user) == 0

    assert User.objects.filter(pk=owner.user.pk).exists()
    assert not SealedArchive.objects.exists()


def test_p10_a_hold_and_its_lifting_are_audited_with_the_case(owner, legal_operator):
    [hold] = place_hold(
        operator=legal_operator.user,
        identifier="OLIVIA@example.com",
        case_reference="C-2",
        reason="Court order",
    )
    assert hold.user == owner.user
    assert lift_hold(operator=legal_operator.user, hold=hold, reason="Order expired")
    assert not lift_hold(operator=legal_operator.user, hold=hold, reason="again")

    entries = AuditEntry.objects.order_by("pk")
    assert [(e.action, e.case_reference, e.target) for e in entries] == [
        ("place legal hold", "C-2", f"account:{owner.user.pk}"),
        ("lift legal hold", "C-2", f"hold:{hold.pk}"),
    ]


def test_p10_only_the_legal_role_places_holds(owner, support_operator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        place_hold(
            operator=support_operator.user, identifier="olivia", case_reference="C", reason="r"
        )
    assert not LegalHold.objects.exists()
    assert not AuditEntry.objects.exists()


def test_p10_a_hold_needs_something_to_hold(legal_operator):
    with pytest.raises(NothingToHold):
        place_hold(
            operator=legal_operator.user, identifier="nobody", case_reference="C", reason="r"
        )


def test_p10_a_sweep_over_rows_with_no_way_to_their_account_is_refused():
    with pytest.raises(ImproperlyConfigured, match="user_field"):
        delete_due(SealedArchive.objects.all(), dry_run=True)


def test_p15_a_legal_request_is_kept_its_period_and_never_while_its_hold_stands(
    owner, legal_operator
):
    from mosaic.legal.models import LegalRequest
    from mosaic.legal.services import record_legal_request

    with time_machine.travel(START, tick=False):
        held_case, closed_case = (
            record_legal_request(
                operator=legal_operator.user,
                authority="Court",
                reference=reference,
                received_on=START.date(),
                scope="Account records",
                decision="pending",
                reason="Received",
            )
            for reference in ("HELD-1", "DONE-1")
        )
        place_hold(
            operator=legal_operator.user,
            identifier="olivia",
            case_reference="HELD-1",
            reason="Order",
            legal_request=held_case,
        )
    [rule] = [rule for rule in sweeps() if rule.name == "legal-records"]

    with time_machine.travel(START + dt.timedelta(days=1824), tick=False):
        rule.run(timezone.now(), False)
    assert LegalRequest.objects.count() == 2

    with time_machine.travel(START + dt.timedelta(days=1826), tick=False):
        rule.run(timezone.now(), False)
    assert list(LegalRequest.objects.all()) == [held_case]
    assert closed_case.pk not in LegalRequest.objects.values_list("pk", flat=True)
