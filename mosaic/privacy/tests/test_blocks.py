"""P10: a blocked account cannot sign in, and is kept at least a year after the block."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from mosaic.accounts.models import User
from mosaic.privacy.holds import block_account, unblock_account
from mosaic.privacy.services import request_account_deletion
from mosaic.staff.models import AuditEntry

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 5, 4, 12, tzinfo=dt.UTC)


def test_p10_a_blocked_account_cannot_sign_in_and_is_signed_out_everywhere(
    owner, moderation_operator
):
    signed_in = owner.sign_in()

    block_account(operator=moderation_operator.user, user=owner.user, reason="Phishing site")

    assert signed_in.get("/panel/")["Location"].startswith("/accounts/login/")
    client = Client()
    client.post("/accounts/login/", {"login": owner.user.username, "password": owner.password})
    assert client.get("/panel/")["Location"].startswith("/accounts/login/")
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.role, entry.reason) == (
        "block account",
        "moderation",
        "Phishing site",
    )


def test_p10_unblocking_lets_the_account_sign_in_again(owner, moderation_operator):
    block = block_account(operator=moderation_operator.user, user=owner.user, reason="Spam")

    assert unblock_account(operator=moderation_operator.user, block=block, reason="Appeal upheld")

    owner.sign_in()  # asserts the sign-in worked
    assert not unblock_account(operator=moderation_operator.user, block=block, reason="twice")


def test_p10_a_blocked_account_is_erased_only_a_year_after_the_block_even_if_deleted(
    owner, moderation_operator
):
    with time_machine.travel(START, tick=False):
        request_account_deletion(user=owner.user)
        block_account(operator=moderation_operator.user, user=owner.user, reason="Fraud")

    with time_machine.travel(START + dt.timedelta(days=200), tick=False):  # quarantine over
        call_command("privacy_sweep", stdout=io.StringIO())
    assert User.objects.filter(pk=owner.user.pk).exists()

    with time_machine.travel(START + dt.timedelta(days=364), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())
    assert User.objects.filter(pk=owner.user.pk).exists()

    with time_machine.travel(START + dt.timedelta(days=366), tick=False):
        call_command("privacy_sweep", stdout=io.StringIO())
    assert not User.objects.filter(pk=owner.user.pk).exists()


def test_p10_the_keeping_period_is_a_setting(owner, moderation_operator, settings):
    settings.PRIVACY_BLOCK_KEEP_DAYS = 400
    with time_machine.travel(START, tick=False):
        block = block_account(operator=moderation_operator.user, user=owner.user, reason="Spam")
    assert block.keep_until == START + dt.timedelta(days=400)


def test_p10_only_moderation_blocks(owner, support_operator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        block_account(operator=support_operator.user, user=owner.user, reason="Spam")
    owner.user.refresh_from_db()
    assert owner.user.is_active
