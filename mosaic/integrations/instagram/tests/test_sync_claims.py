"""The periodic sync at scale: due connections are claimed a bounded batch at a time, each
once, soonest due first; the job takes batches until none is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
from mosaic.integrations.instagram.periodic import sync_instagram_feeds
from mosaic.integrations.instagram.tests.conftest import connection_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_due(stand_in) -> list[InstagramConnection]:
    now = timezone.now()
    connections = []
    for number in range(5):
        user = make_user(f"owner{number}")
        connection = connection_with_token(user, stand_in, age=timedelta(hours=1))
        # the last one created is the most overdue
        connection.next_sync_at = now - timedelta(minutes=number + 1)
        connection.save(update_fields=["next_sync_at"])
        connections.append(connection)
    return connections


def test_due_syncs_are_claimed_a_bounded_batch_at_a_time_most_overdue_first(five_due):
    assert runs.start_due_syncs(batch_size=2) == 2
    first = set(ImportRun.objects.values_list("user_id", flat=True))
    assert first == {five_due[4].user_id, five_due[3].user_id}
    assert runs.start_due_syncs(batch_size=2) == 2
    assert runs.start_due_syncs(batch_size=2) == 1
    assert runs.start_due_syncs(batch_size=2) == 0
    assert sorted(ImportRun.objects.values_list("user_id", flat=True)) == sorted(
        c.user_id for c in five_due
    ), "each connection once"
    later = timezone.now() + timedelta(hours=5)
    assert not InstagramConnection.objects.filter(next_sync_at__lt=later).exists()


def test_the_job_takes_batches_until_none_is_due_and_skips_broken_connections(five_due):
    InstagramConnection.objects.filter(pk=five_due[0].pk).update(
        status=InstagramConnection.Status.BROKEN
    )
    assert sync_instagram_feeds.call() == 4
    assert not ImportRun.objects.filter(user_id=five_due[0].user_id).exists()
    assert sync_instagram_feeds.call() == 0


def test_blocked_accounts_are_neither_synced_nor_claimed_so_they_never_stall_the_others(five_due):
    """P10: the most overdue connections belong to blocked accounts; a batch of them used to be
    claimed and skipped, which ended the job's run with nothing started."""
    for connection in five_due[2:]:
        connection.user.is_active = False
        connection.user.save(update_fields=["is_active"])
    blocked_due = {c.pk: c.next_sync_at for c in five_due[2:]}

    assert runs.start_due_syncs(batch_size=2) == 2
    assert set(ImportRun.objects.values_list("user_id", flat=True)) == {
        five_due[0].user_id,
        five_due[1].user_id,
    }
    for pk, due in blocked_due.items():
        assert InstagramConnection.objects.get(pk=pk).next_sync_at == due, "not claimed"
