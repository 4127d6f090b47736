"""P03: a session's record (IP address, browser) goes when the session ends: at once on
sign-out, and by the sweep once it has expired; a live session's record always stays."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.utils import timezone

from mosaic.accounts.privacy import delete_ended_session_records

pytestmark = pytest.mark.django_db


def test_p03_signing_out_deletes_the_session_record_at_once(owner, other_owner):
    mine = owner.sign_in(REMOTE_ADDR="203.0.113.77")
    other_owner.sign_in(REMOTE_ADDR="198.51.100.1")
    assert UserSession.objects.filter(user=owner.user).count() == 1
    mine.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=owner.user).exists()
    assert UserSession.objects.filter(user=other_owner.user).count() == 1


def test_p03_an_expired_session_record_goes_and_a_live_one_stays_however_old(owner, other_owner):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        owner.sign_in()
        kept = other_owner.sign_in()
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start + age - dt.timedelta(hours=1), tick=False):
        kept.get("/panel/")  # a request: the session is saved again and its record seen
    with time_machine.travel(start + age + dt.timedelta(minutes=1), tick=False):
        assert delete_ended_session_records(timezone.now(), dry_run=False) == 1
    assert list(UserSession.objects.values_list("user_id", flat=True)) == [other_owner.user.pk]
