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
