"""Shared set-up for the organizations tests: an organization with a verified domain."""

from __future__ import annotations

from mosaic.organizations import members, services
from mosaic.organizations.models import Domain, Organization


def verified_organization(
    dns_server, owner_user, name: str = "school.example"
) -> tuple[Organization, Domain]:
    """Owner creates "Example School", adds ``name`` and the real DNS answers its token."""
    organization = services.create_organization(owner=owner_user, name="Example School")
    domain = services.add_domain(organization=organization, name=name)
    dns_server.set_txt(domain.record_name, domain.record_value)
    assert services.check_domain(domain=domain) == Domain.Status.VERIFIED
    domain.refresh_from_db()
    members.scan_domain(domain=domain)  # what the task queued after commit does
    return organization, domain


def totp(user) -> str:
    """Give ``user`` an authenticator app (admins need a second factor); returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def claimed_member(organization, username: str = "pia", domain_name: str = "school.example"):
    """An account at the domain, claimed at once (made after the verification)."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from conftest import make_user
    from mosaic.organizations import members

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=False):
        user = make_user(username, email=f"{username}@{domain_name}")
        membership = members.sync_user(user=user)
    assert membership is not None
    assert membership.is_claimed
    assert membership.organization == organization
    return user


def confirmed(user):
    """A client signed in as ``user`` and re-authenticated just now (P32)."""
    from django.test import Client

    from conftest import PASSWORD

    client = Client()
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code in (200, 302)
    return client


def admin_of(organization: Organization, owner, username: str):
    """A claimed member the owner made an admin."""
    from mosaic.organizations import powers

    person = claimed_member(organization, username=username)
    powers.set_role(admin=owner, member=person, role="admin", reason="Helps run it.")
    return person


def admins_and_a_member(organization: Organization, owner):
    """anna and boris made admins, boris the one who claimed his membership first (9 days
    ago: the heir when the owner leaves), and paul a plain member."""
    import datetime as dt

    from django.utils import timezone

    from mosaic.organizations.models import Membership

    anna = admin_of(organization, owner, "anna")
    boris = admin_of(organization, owner, "boris")
    paul = claimed_member(organization, username="paul")
    Membership.objects.filter(user=boris).update(claimed_at=timezone.now() - dt.timedelta(days=9))
    return anna, boris, paul


def waiting_member(username: str):
    """An account that existed before the domain was verified: in its notice period."""
    import datetime as dt

    from django.utils import timezone

    from conftest import make_user
    from mosaic.accounts.models import User

    person = make_user(username, email=f"{username}@school.example")
    User.objects.filter(pk=person.pk).update(date_joined=timezone.now() - dt.timedelta(days=1))
    person.refresh_from_db()
    membership = members.sync_user(user=person)
    assert membership is not None
    assert membership.claimed_at is None
    return person


def audits_clean() -> None:
    """The P24 audit lines find nothing."""
    from django.utils import timezone

    from mosaic.organizations.audit_checks import (
        every_admin_action_is_audited_and_visible,
        every_organization_has_an_owner,
    )

    now = timezone.now()
    assert every_admin_action_is_audited_and_visible(now) == []
    assert every_organization_has_an_owner(now) == []


def role(user) -> str:
    from mosaic.organizations.models import Membership

    return Membership.objects.get(user=user).role
