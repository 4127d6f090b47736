from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from conftest import make_user
from mosaic.integrations.instagram import services
from mosaic.integrations.instagram.client import InvalidToken
from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.integrations.instagram.periodic import refresh_instagram_tokens
from mosaic.integrations.instagram.tests.conftest import connect, connection_with_token

pytestmark = pytest.mark.django_db


def test_a_token_older_than_a_day_and_within_ten_days_of_expiry_is_refreshed(owner, stand_in):
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    old_token = connection.access_token
    report = services.refresh_expiring_tokens()
    assert report.refreshed == 1
    connection.refresh_from_db()
    assert connection.access_token != old_token
    assert connection.token_expires_at > timezone.now() + timedelta(days=59)
    assert connection.token_issued_at > timezone.now() - timedelta(minutes=1)
    assert services.refresh_expiring_tokens().refreshed == 0  # idempotent: no longer due


def test_a_token_far_from_expiry_is_left_alone(owner, stand_in):
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=49))
    assert services.refresh_expiring_tokens().refreshed == 0
    connection.refresh_from_db()
    assert connection.token_issued_at < timezone.now() - timedelta(days=48)


def test_a_token_younger_than_a_day_is_never_refreshed(owner, stand_in):
    # A token about to expire yet only hours old (an odd lifetime) cannot be refreshed yet.
    connection = connection_with_token(owner.user, stand_in, age=timedelta(hours=2))
    connection.token_expires_at = timezone.now() + timedelta(days=3)
    connection.save(update_fields=["token_expires_at"])
    assert services.refresh_expiring_tokens().refreshed == 0


def test_the_connect_flow_token_is_refreshed_when_it_nears_expiry(owner, stand_in):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        connect(owner.client)
        first = InstagramConnection.objects.get().access_token
        traveller.shift(timedelta(days=55))
        assert services.refresh_expiring_tokens().refreshed == 1
    assert InstagramConnection.objects.get().access_token != first


def test_error_190_marks_the_connection_broken_and_emails_the_owner(
    owner, stand_in, mailoutbox, mailed
):
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    stand_in.state.revoke("olivia.makes")  # Olivia changed her Instagram password
    with mailed():
        report = services.refresh_expiring_tokens()
    assert report.broken == 1
    connection.refresh_from_db()
    assert connection.status == InstagramConnection.Status.BROKEN
    assert connection.access_token == ""
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.user.email]
    assert "Reconnect your Instagram account" in mailoutbox[0].subject
    assert "http://testserver/panel/instagram/" in mailoutbox[0].body
    page = owner.client.get("/panel/instagram/")
    assert b"Reconnect Instagram" in page.content
    with mailed():
        assert services.refresh_expiring_tokens().broken == 0  # a broken one is not retried
    assert len(mailoutbox) == 1


def test_error_190_on_use_marks_the_connection_broken(owner, stand_in, mailoutbox, mailed):
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    stand_in.state.fail_next("invalid_token")
    with mailed(), pytest.raises(InvalidToken):
        services.valid_token(connection=connection)
    assert connection.status == InstagramConnection.Status.BROKEN
    assert len(mailoutbox) == 1


def test_a_due_token_is_refreshed_on_use(owner, stand_in):
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=52))
    old_token = connection.access_token
    token = services.valid_token(connection=connection)
    assert token != old_token
    assert InstagramConnection.objects.get().access_token == token


def test_a_rate_limited_refresh_stops_the_run_and_changes_nothing(owner, other_owner, stand_in):
    connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    connection_with_token(other_owner.user, stand_in, age=timedelta(days=52), username="oscar")
    before = dict(InstagramConnection.objects.values_list("pk", "token_issued_at"))
    stand_in.state.fail_next("rate_limit")
    report = services.refresh_expiring_tokens()
    assert report.rate_limited
    assert report.refreshed == 0
    assert dict(InstagramConnection.objects.values_list("pk", "token_issued_at")) == before
    assert services.refresh_expiring_tokens().claimed == 0  # both wait for Instagram's all-clear
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.refresh_expiring_tokens().refreshed == 2  # then a run catches up


def test_the_refresh_run_is_bounded_by_its_batch_size(owner, other_owner, stand_in):
    connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    connection_with_token(other_owner.user, stand_in, age=timedelta(days=52), username="oscar")
    assert services.refresh_expiring_tokens(batch_size=1).refreshed == 1
    assert services.refresh_expiring_tokens(batch_size=1).refreshed == 1


def test_a_failing_refresh_backs_off_exponentially_and_the_owner_sees_why(owner, stand_in):
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        waits = []
        for _attempt in range(3):
            stand_in.state.fail_next("server_error")
            report = services.refresh_expiring_tokens()
            assert (report.claimed, report.failed) == (1, 1)
            assert services.refresh_expiring_tokens().claimed == 0, "not again before its wait"
            connection.refresh_from_db()
            waits.append(connection.refresh_retry_at - timezone.now())
            traveller.shift(waits[-1] + timedelta(seconds=1))
        assert waits == [timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60)]
        assert connection.refresh_failures == 3
        page = owner.client.get("/panel/instagram/").content.decode()
        assert 'data-status="refresh-failing"' in page
        assert "Mosaic could not renew its access yet" in page
        assert "unexpected error" in page  # Instagram's reason

        assert services.refresh_expiring_tokens().refreshed == 1
    connection.refresh_from_db()
    assert (connection.refresh_failures, connection.refresh_retry_at) == (0, None)
    assert connection.refresh_error == ""
    assert b"refresh-failing" not in owner.client.get("/panel/instagram/").content


def test_failing_connections_do_not_crowd_out_the_others(owner, other_owner, stand_in):
    """The two connections expiring soonest fail; the batch after them reaches the third
    instead of trying the failing two again."""
    third = make_user("nadia")
    first = connection_with_token(owner.user, stand_in, age=timedelta(days=55))
    second = connection_with_token(other_owner.user, stand_in, age=timedelta(days=54), username="o")
    last = connection_with_token(third, stand_in, age=timedelta(days=51), username="nadia")
    stand_in.state.fail_next("server_error", times=2)
    assert services.refresh_expiring_tokens(batch_size=2).failed == 2
    assert services.refresh_expiring_tokens(batch_size=2).refreshed == 1
    refreshed = InstagramConnection.objects.filter(refresh_failures=0, refresh_error="")
    assert list(refreshed.values_list("pk", flat=True)) == [last.pk]
    assert {first.pk, second.pk} == set(
        InstagramConnection.objects.filter(refresh_failures=1).values_list("pk", flat=True)
    )


def test_the_periodic_refresh_takes_batches_until_none_is_due(owner, other_owner, stand_in):
    connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    connection_with_token(other_owner.user, stand_in, age=timedelta(days=52), username="o")
    stand_in.state.fail_next("server_error")
    assert refresh_instagram_tokens.call() == 1  # one failed and waits; the run then ends
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert refresh_instagram_tokens.call() == 1


@pytest.mark.django_db(transaction=True)
def test_no_database_lock_is_held_while_instagram_answers_a_refresh(owner, stand_in):
    """While the stand-in answers the refresh, another thread of Mosaic writes to the same
    connection: it must go through at once (no transaction, no row lock held over HTTP)."""
    connection = connection_with_token(owner.user, stand_in, age=timedelta(days=51))
    written = []

    def write_meanwhile(path: str) -> None:
        if path.endswith("/refresh_access_token"):
            try:
                with transaction.atomic():
                    InstagramConnection.objects.filter(pk=connection.pk).update(
                        username="olivia.renamed"
                    )
                written.append(path)
            finally:
                db_connection.close()

    stand_in.state.on_call = write_meanwhile
    assert services.refresh_expiring_tokens().refreshed == 1
    assert written == ["/refresh_access_token"]
    connection.refresh_from_db()
    assert connection.username == "olivia.renamed"  # the refresh wrote only its own fields
