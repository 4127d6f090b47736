"""Shared set-up for the organizations tests: an organization with a verified domain."""

from __future__ import annotations

from mosaic.organizations import services
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
    return organization, domain
