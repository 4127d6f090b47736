"""``field__any=keys`` finds what ``field__in=keys`` finds, and ``delete_by_keys`` deletes what
``queryset.delete()`` deletes (cascades, ``SET_NULL``), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from mosaic.accounts.models import KnownDevice, User
from mosaic.lib.keys import delete_by_keys
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db


def device(user: User) -> KnownDevice:
    now = timezone.now()
    return KnownDevice.objects.create(
        user=user, browser="Firefox", network="192.0.2.0/24", first_seen_at=now, last_seen_at=now
    )


def test_any_finds_what_in_finds_through_a_key_and_a_relation():
    users = [make_user(f"u{index}") for index in range(5)]
    for user in users:
        device(user)
    keys = [users[0].pk, users[3].pk, 10_000_000]
    assert sorted(User.objects.filter(pk__any=keys).values_list("pk", flat=True)) == sorted(
        User.objects.filter(pk__in=keys).values_list("pk", flat=True)
    )
    assert set(KnownDevice.objects.filter(user__any=keys)) == set(
        KnownDevice.objects.filter(user__in=keys)
    )
    assert set(KnownDevice.objects.filter(user__any=users[:2])) == set(
        KnownDevice.objects.filter(user__in=users[:2])
    )
    assert not KnownDevice.objects.filter(user__any=[]).exists()
    assert KnownDevice.objects.exclude(user__any=keys).count() == 3


def test_delete_by_keys_cascades_and_sets_null_as_delete_does():
    gone, kept, operator = make_user("gone"), make_user("kept"), make_user("operator")
    device(gone), device(kept)
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=gone,
        actor_name="gone",
        role="support",
        action="test",
        target="user:1",
        reason="test",
        subject=operator,
        delete_after=timezone.now() + dt.timedelta(days=1),
    )
    deleted = delete_by_keys(User.objects.filter(pk__any=[gone.pk]))
    assert deleted == 3  # the account, its email address and its device
    assert not User.objects.filter(pk=gone.pk).exists()
    assert list(KnownDevice.objects.values_list("user", flat=True)) == [kept.pk]
    entry.refresh_from_db()
    assert entry.actor_id is None  # SET_NULL, as the model says
    assert entry.subject_id == operator.pk
