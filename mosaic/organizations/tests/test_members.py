"""Who becomes a member, when, and how a membership ends (C8)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, email_removed
from django.core import mail
from django.utils import timezone

from conftest import make_user
from mosaic.organizations import members
from mosaic.organizations.models import Membership
from mosaic.organizations.tests.helpers import verified_organization

pytestmark = pytest.mark.django_db


def test_existing_accounts_are_told_and_claimed_after_the_notice_period(
    owner, dns_server, mailed, settings
):
    pupil = make_user("pia", email="pia@school.example")
    outsider = make_user("otto", email="otto@elsewhere.example")
    unverified = make_user("uma", email="uma@school.example", verified=False)
    with mailed():
        organization, _domain = verified_organization(dns_server, owner.user)
    membership = Membership.objects.get(user=pupil)
    assert membership.organization == organization
    assert membership.claimed_at is None
    assert membership.claim_after - membership.notified_at == dt.timedelta(days=14)
    assert not Membership.objects.filter(user__in=[outsider, unverified]).exists()
    assert [message.to for message in mail.outbox] == [["pia@school.example"]]
    assert "14 days" in mail.outbox[0].body
    assert "/panel/organization/me/" in mail.outbox[0].body
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(days=13), tick=False):
        assert members.claim_due() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, hours=1), tick=False), mailed():
        assert members.claim_due() == 1
    membership.refresh_from_db()
    assert membership.is_claimed
    assert "now a member" in mail.outbox[0].subject


def test_moving_to_a_personal_address_during_the_notice_avoids_the_claim(owner, dns_server):
    pupil = make_user("pia", email="pia@school.example")
    verified_organization(dns_server, owner.user)
    address = EmailAddress.objects.get(user=pupil)
    personal = EmailAddress.objects.create(
        user=pupil, email="pia@home.example", verified=True, primary=False
    )
    address.delete()
    email_removed.send(sender=EmailAddress, request=None, user=pupil, email_address=address)
    assert not Membership.objects.filter(user=pupil).exists()
    assert personal.user == pupil
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        assert members.claim_due() == 0
    assert not Membership.objects.filter(user=pupil).exists()


def test_a_new_account_at_the_domain_is_claimed_at_once(owner, dns_server, mailed):
    organization, _domain = verified_organization(dns_server, owner.user)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        newcomer = make_user("nina", email="nina@school.example", verified=False)
        address = EmailAddress.objects.get(user=newcomer)
        address.verified = True
        address.save()
        with mailed():
            email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    membership = Membership.objects.get(user=newcomer)
    assert membership.is_claimed
    assert membership.organization == organization
    assert "now a member" in mail.outbox[-1].subject


def test_changing_email_away_from_the_domain_ends_membership_and_keeps_the_sites(
    owner, dns_server, mailed
):
    from mosaic.websites.models import Site
    from mosaic.websites.services import create_site

    verified_organization(dns_server, owner.user)
    member = make_user("nina", email="nina@school.example")
    membership = members.sync_user(user=member)
    assert membership is not None
    Membership.objects.filter(pk=membership.pk).update(claimed_at=timezone.now())
    site = create_site(owner=member, slug="nina", title="Nina")
    EmailAddress.objects.filter(user=member).update(email="nina@home.example")
    with mailed():
        members.sync_user(user=member)
    assert not Membership.objects.filter(user=member).exists()
    assert Site.objects.filter(pk=site.pk, owner=member).exists()
    assert "no longer a member" in mail.outbox[-1].subject


def test_a_verified_domain_tells_its_accounts_in_batches_after_commit(
    owner, dns_server, django_capture_on_commit_callbacks, settings
):
    from mosaic.organizations import services
    from mosaic.organizations.models import Domain

    for index in range(5):
        make_user(f"pupil{index}", email=f"pupil{index}@school.example")
    organization = services.create_organization(owner=owner.user, name="Example School")
    domain = services.add_domain(organization=organization, name="school.example")
    dns_server.set_txt(domain.record_name, domain.record_value)
    settings.ORGANIZATIONS_SCAN_BATCH = 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_domain(domain=domain) == Domain.Status.VERIFIED
        assert not Membership.objects.filter(domain=domain).exists()  # not before commit
    assert Membership.objects.filter(domain=domain).count() == 5  # 2 + 2 + 1, one task each
