"""P08: accounts past their quarantine are erased in batches, every category taking the whole
batch in a few queries, so erasure keeps pace however many accounts end on the same day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import KnownDevice, User
from mosaic.consent.models import Consent
from mosaic.mail.models import Delivery
from mosaic.privacy.models import SealedArchive
from mosaic.privacy.services import erase_accounts

pytestmark = pytest.mark.django_db


def accounts(prefix: str, count: int) -> list[User]:
    now = timezone.now()
    users = []
    for number in range(count):
        user = make_user(f"{prefix}{number}")
        KnownDevice.objects.create(
            user=user,
            browser="Firefox on Linux",
            network="203.0.0.0/16",
            first_seen_at=now,
            last_seen_at=now,
        )
        Consent.objects.create(user=user, purpose="promotional_email", given_at=now)
        Delivery.objects.create(
            template="t", to=user.email, user=user, subject="s", created_at=now, next_attempt_at=now
        )
        users.append(user)
    User.objects.filter(pk__in=[u.pk for u in users]).update(
        scheduled_deletion_at=now - dt.timedelta(days=1)
    )
    return users


def queries_to_erase(users: list[User]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert erase_accounts(users=users)[0] == len(users)
    return len(queries)


def test_p08_erasing_twenty_accounts_takes_as_many_queries_as_erasing_two():
    few = queries_to_erase(accounts("few", 2))
    many = queries_to_erase(accounts("many", 20))

    assert many == few
    assert not User.objects.exists()
    assert not KnownDevice.objects.exists()
    assert not Consent.objects.exists()
    assert not Delivery.objects.exists()
    assert SealedArchive.objects.count() == 22  # each one sealed on its own (P09)
