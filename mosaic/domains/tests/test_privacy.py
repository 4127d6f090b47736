"""Custom domains as personal data: erased with their owner's account, in batches (P08)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import User
from mosaic.domains.models import CustomDomain
from mosaic.privacy.tests.batches import queries_to_erase
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db


def with_domain(user: User) -> User:
    site = Site.objects.create(owner=user, slug=user.username, title=user.username.title())
    CustomDomain.objects.create(
        site=site, domain=f"{user.username}.example", verified_at=timezone.now()
    )
    return user


def test_p08_erasing_a_batch_takes_each_accounts_domains_and_spares_a_bystanders(other_owner):
    with_domain(other_owner.user)
    first = [with_domain(make_user("anna"))]
    batch = [with_domain(make_user(name)) for name in ("boris", "clara", "dmitri")]

    assert queries_to_erase("custom-domains", batch) == queries_to_erase("custom-domains", first)

    assert list(CustomDomain.objects.values_list("domain", flat=True)) == ["oscar.example"]
    assert Site.objects.count() == 5  # the sites are the websites category's to erase
