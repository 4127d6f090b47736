"""Fixtures of the organizations tests."""

from __future__ import annotations

import pytest

from mosaic.organizations.models import Organization
from mosaic.organizations.tests.helpers import totp, verified_organization


@pytest.fixture
def school(owner, dns_server) -> Organization:
    """Olivia's "Example School", its domain verified; she has an authenticator app."""
    organization, _domain = verified_organization(dns_server, owner.user)
    totp(owner.user)
    return organization
