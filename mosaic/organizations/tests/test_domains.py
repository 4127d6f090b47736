"""Domain verification against a real DNS server (Debian's dnsmasq on loopback)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_user
from mosaic.jobs.registry import registered_jobs
from mosaic.organizations import domains, services
from mosaic.organizations.models import Domain, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(owner):
    return services.create_organization(owner=owner.user, name="Example School")


@pytest.mark.parametrize(
    "name",
    ["com", "co.uk", "github.io", "gmail.com", "mail.yahoo.com", "not a domain", "-x.example", "x"],
)
def test_public_suffixes_webmail_and_non_names_are_refused(organization, name):
    with pytest.raises(ValidationError):
        services.add_domain(organization=organization, name=name)
    assert not Domain.objects.exists()


def test_a_domain_is_normalized_and_belongs_to_one_organization(organization, other_owner):
    domain = services.add_domain(organization=organization, name=" School.Example. ")
    assert domain.name == "school.example"
    assert domain.record_name == "_mosaic-verify.school.example"
    assert domain.record_value.startswith("mosaic-verify=")
    assert len(domain.token) >= 20
    rival = services.create_organization(owner=other_owner.user, name="Rival")
    with pytest.raises(services.DomainTaken):
        services.add_domain(organization=rival, name="school.example")
    assert domains.check_claimable("dept.school.example") == "dept.school.example"


def test_verification_needs_the_exact_token_in_dns(organization, dns_server):
    domain = services.add_domain(organization=organization, name="school.example")
    assert services.check_domain(domain=domain) == Domain.Status.PENDING
    domain.refresh_from_db()
    assert "no record" in domain.last_result
    assert domain.checked_at is not None
    dns_server.set_txt(domain.record_name, "mosaic-verify=someone-elses-token")
    assert services.check_domain(domain=domain) == Domain.Status.PENDING
    dns_server.set_txt(domain.record_name, "v=spf1 -all", domain.record_value)
    assert services.check_domain(domain=domain) == Domain.Status.VERIFIED
    domain.refresh_from_db()
    assert domain.verified_at is not None


def test_a_dns_that_does_not_answer_changes_nothing(organization, dns_server, settings):
    domain = services.add_domain(organization=organization, name="school.example")
    dns_server.set_txt(domain.record_name, domain.record_value)
    services.check_domain(domain=domain)
    dns_server.stop()  # the server is gone: a timeout, not an answer
    settings.DNS_TIMEOUT = 1
    assert services.check_domain(domain=domain) == Domain.Status.VERIFIED
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED
    assert "try again" in domain.last_result
    dns_server.start()


def test_pending_domains_are_rechecked_then_expire_after_seven_days(organization, dns_server):
    domain = services.add_domain(organization=organization, name="school.example")
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        assert services.check_pending() == 1
        assert services.check_pending() == 0  # checked a moment ago: not due
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        dns_server.set_txt(domain.record_name, domain.record_value)
        dns_server.set_txt(domain.record_name)  # added, then removed again: still missing
        services.check_pending()
    with time_machine.travel(start + dt.timedelta(days=7, minutes=1), tick=False):
        services.check_pending()
    domain.refresh_from_db()
    assert domain.status == Domain.Status.EXPIRED
    assert services.check_pending() == 0


def test_a_record_that_appears_while_pending_verifies_the_domain(organization, dns_server):
    domain = services.add_domain(organization=organization, name="school.example")
    dns_server.set_txt(domain.record_name, domain.record_value)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        services.check_pending()
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED


def test_reverification_lapses_a_domain_emails_its_admins_and_stops_new_members(
    organization, dns_server, owner, mailed
):
    domain = services.add_domain(organization=organization, name="school.example")
    dns_server.set_txt(domain.record_name, domain.record_value)
    services.check_domain(domain=domain)
    dns_server.set_txt(domain.record_name)
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False), mailed():
        assert services.reverify() == 1
    domain.refresh_from_db()
    assert domain.status == Domain.Status.LAPSED
    assert domain.lapsed_at is not None
    assert [message.to for message in mail.outbox] == [[owner.user.email]]
    assert "school.example" in mail.outbox[0].subject
    assert domain.record_value in mail.outbox[0].body
    # a lapsed domain adds nobody
    newcomer = make_user("nina", email="nina@school.example")
    from mosaic.organizations.members import sync_user

    assert sync_user(user=newcomer) is None
    assert not Membership.objects.filter(user=newcomer).exists()
    # the record comes back: verified again at the next re-check
    dns_server.set_txt(domain.record_name, domain.record_value)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=50), tick=False):
        services.reverify()
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED


def test_the_checks_are_registered_periodic_jobs():
    names = {job.name for job in registered_jobs()}
    assert {
        "organizations.check_pending",
        "organizations.reverify",
        "organizations.claim_due",
        "organizations.finish_closing",
    } <= names
