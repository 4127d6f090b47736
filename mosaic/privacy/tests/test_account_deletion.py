from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mosaic.accounts.models import User

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def delete_account(persona, capture) -> Client:
    client = persona.sign_in(confirm=True)
    with capture(execute=True):
        response = client.post("/panel/data/delete-account/", {"username": persona.user.username})
    assert response.status_code == 200
    return client


def test_p08_deleting_asks_for_the_password_and_the_username(owner):
    client = owner.sign_in()
    first = client.get("/panel/data/delete-account/")
    assert first["Location"].startswith("/accounts/reauthenticate/")

    client.post("/accounts/reauthenticate/", {"password": owner.password})
    wrong = client.post("/panel/data/delete-account/", {"username": "someone-else"})

    assert "That is not your username." in wrong.text
    owner.user.refresh_from_db()
    assert not owner.user.in_quarantine


def test_p08_a_deleted_account_is_offline_at_once_and_gets_a_receipt(
    owner, django_capture_on_commit_callbacks
):
    other_device = owner.sign_in()
    with time_machine.travel(START, tick=False):
        client = delete_account(owner, django_capture_on_commit_callbacks)

    owner.user.refresh_from_db()
    assert owner.user.scheduled_deletion_at == START + dt.timedelta(days=180)
    assert client.get("/panel/").status_code == 302  # signed out here
    assert other_device.get("/panel/")["Location"].startswith("/accounts/login/")  # and everywhere
    assert not UserSession.objects.filter(user=owner.user).exists()
    [receipt] = [m for m in mail.outbox if "scheduled for deletion" in m.subject]
    assert "28 August 2026" in receipt.body


def test_p08_signing_in_during_quarantine_offers_only_a_restore(
    owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        delete_account(owner, django_capture_on_commit_callbacks)

    with time_machine.travel(START + dt.timedelta(days=179), tick=False):
        client = owner.sign_in()
        assert client.get("/panel/")["Location"] == "/panel/restore/"
        assert client.get("/panel/security/")["Location"] == "/panel/restore/"
        response = client.post("/panel/restore/", {"action": "restore"})
        assert response["Location"] == "/panel/"
        assert client.get("/panel/").status_code == 200

    owner.user.refresh_from_db()
    assert not owner.user.in_quarantine


def test_p08_choosing_not_to_restore_signs_out_and_keeps_the_deletion(
    owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        delete_account(owner, django_capture_on_commit_callbacks)
        client = owner.sign_in()
        client.post("/panel/restore/", {"action": "leave"})

    assert client.get("/panel/restore/").status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.in_quarantine


def test_p08_after_the_quarantine_the_sweep_erases_the_account_and_restore_is_impossible(
    owner, other_owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        delete_account(owner, django_capture_on_commit_callbacks)

    with time_machine.travel(START + dt.timedelta(days=180, seconds=1), tick=False):
        late = owner.sign_in()
        late.post("/panel/restore/", {"action": "restore"})
        owner.user.refresh_from_db()
        assert owner.user.in_quarantine  # too late to restore
        call_command("privacy_sweep")

    assert not User.objects.filter(username="olivia").exists()
    assert User.objects.filter(username="oscar").exists()
    failed = Client().post("/accounts/login/", {"login": "olivia", "password": owner.password})
    assert failed.status_code == 200


def test_p08_deleting_the_account_revokes_the_instagram_connection(
    owner, django_capture_on_commit_callbacks
):
    from mosaic.integrations.instagram.models import InstagramConnection

    InstagramConnection.objects.create(
        user=owner.user,
        instagram_user_id="1789",
        username="olivia.makes",
        access_token="IGAA-secret-token",
        token_issued_at=START,
        token_expires_at=START + dt.timedelta(days=60),
    )

    delete_account(owner, django_capture_on_commit_callbacks)

    assert not InstagramConnection.objects.filter(user=owner.user).exists()
