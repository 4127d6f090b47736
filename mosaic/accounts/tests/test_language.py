"""The language a person uses is kept on their account, so mail written without them (a job,
another person's action) is in it; it is part of their data (P20)."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from mosaic.accounts.models import User
from mosaic.privacy.registry import categories

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def stored(user: User) -> str:
    return User.objects.get(pk=user.pk).language


def test_p20_the_language_used_is_remembered_when_it_changes_and_exported(owner):
    client = owner.sign_in(HTTP_ACCEPT_LANGUAGE="ru")
    client.get("/panel/")
    assert stored(owner.user) == "ru"

    client.cookies["django_language"] = "en"  # the language picker's choice wins
    client.get("/panel/")
    assert stored(owner.user) == "en"

    Client(HTTP_ACCEPT_LANGUAGE="ru").get("/accounts/login/")  # nobody signed in: nothing
    assert stored(owner.user) == "en"
    Client(HTTP_ACCEPT_LANGUAGE="xx").get("/panel/")
    assert stored(owner.user) == "en"

    account = next(category for category in categories() if category.key == "account")
    assert (
        json.loads(json.dumps(account.export(User.objects.get(pk=owner.user.pk))))["language"]
        == "en"
    )


def test_p19_a_new_device_alert_is_in_the_accounts_language_not_the_new_browsers(
    owner, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=owner.user.pk).update(language="ru")
    owner.user.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        owner.sign_in(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=FIREFOX)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # an English browser elsewhere
        owner.sign_in(
            REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=FIREFOX, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert [message.subject for message in mail.outbox] == ["[Mosaic] Новый вход в ваш аккаунт"]
