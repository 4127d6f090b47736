from __future__ import annotations

import io
import stat
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection as db
from django.utils import timezone

from mosaic.integrations.instagram.models import InstagramConnection
from mosaic.integrations.instagram.tests.conftest import production_settings
from mosaic.lib import crypto

pytestmark = pytest.mark.django_db

TOKEN = "IGAAplaintext-token-never-stored-as-is-0123456789"


def stored(pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token FROM instagram_connection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def make_connection(user) -> InstagramConnection:
    now = timezone.now()
    return InstagramConnection.objects.create(
        user=user,
        instagram_user_id="1784",
        username="olivia.makes",
        access_token=TOKEN,
        token_issued_at=now,
        token_expires_at=now + timedelta(days=60),
    )


def test_p02_the_token_column_never_holds_the_plaintext_token(owner):
    connection = make_connection(owner.user)
    raw = stored(connection.pk)
    assert TOKEN not in raw
    assert "plaintext" not in raw
    assert InstagramConnection.objects.get().access_token == TOKEN


def test_p02_tokens_are_encrypted_with_their_own_key_not_the_secret_key(owner, settings):
    connection = make_connection(owner.user)
    settings.TOKEN_ENCRYPTION_KEYS = [crypto.generate_key()]  # SECRET_KEY unchanged
    with pytest.raises(crypto.DecryptionError, match="TOKEN_ENCRYPTION_KEYS"):
        InstagramConnection.objects.get(pk=connection.pk)


def test_rotating_keys_re_encrypts_every_token_with_the_new_key(owner, settings):
    old_key, new_key = settings.TOKEN_ENCRYPTION_KEYS[0], crypto.generate_key()
    connection = make_connection(owner.user)
    before = stored(connection.pk)
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_token_keys", stdout=io.StringIO())
    assert stored(connection.pk) != before
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]  # the old key can now go
    assert InstagramConnection.objects.get().access_token == TOKEN


def test_the_rotate_command_can_generate_a_key(capsys):
    call_command("rotate_token_keys", "--generate")
    key = capsys.readouterr().out.strip()
    assert crypto.decrypt(crypto.encrypt("x")) == "x"
    assert len(key) == 44


def test_development_keeps_a_generated_key_under_var(settings, tmp_path):
    settings.TOKEN_ENCRYPTION_KEYS = []
    settings.VAR_DIR = tmp_path
    ciphertext = crypto.encrypt(TOKEN)
    key_file = tmp_path / crypto.DEV_KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert crypto.decrypt(ciphertext) == TOKEN  # the same key is read back, not re-generated


def test_production_without_token_keys_fails_loudly(settings):
    settings.TOKEN_ENCRYPTION_KEYS = []
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="TOKEN_ENCRYPTION_KEYS"):
        crypto.encrypt(TOKEN)


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.TOKEN_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        crypto.encrypt(TOKEN)


def test_production_refuses_to_start_without_token_keys():
    without_keys = production_settings(TOKEN_ENCRYPTION_KEYS="")
    assert "TOKEN_ENCRYPTION_KEYS must be set in production" in without_keys.stderr
