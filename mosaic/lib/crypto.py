"""Encryption at rest for secrets we must keep, such as Instagram access tokens (P02).

Keys come from ``TOKEN_ENCRYPTION_KEYS`` (comma-separated Fernet keys, never ``SECRET_KEY``): the
first key encrypts, every key decrypts, so a new key is rolled out by putting it first and running
``manage.py rotate_token_keys``, which re-encrypts every stored value with it; the old key can then
be removed. Production refuses to start without the variable (see settings). In development only,
a key is generated once and kept in ``var/token-encryption.key`` so a local run needs no set-up.
"""

from __future__ import annotations

import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from mosaic.lib.devkeys import development_secret

DEV_KEY_FILE_NAME = "token-encryption.key"


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key."""


def configured_keys() -> list[str]:
    keys = list(settings.TOKEN_ENCRYPTION_KEYS)
    if keys:
        return keys
    if settings.PRODUCTION:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS must be set in production")
    return [development_secret(DEV_KEY_FILE_NAME, lambda: Fernet.generate_key().decode())]


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS holds a key that is not a Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `manage.py rotate_token_keys "
            "--generate`)"
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "a stored secret cannot be decrypted: is its key missing from TOKEN_ENCRYPTION_KEYS?"
        ) from exc


def reencrypt(ciphertext: str) -> str:
    """The same secret encrypted with the first (current) key."""
    try:
        return _current().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "a stored secret cannot be decrypted with any configured key"
        ) from exc


class EncryptedTextField(models.TextField):
    """A text column that only ever holds ciphertext (P02); Python code sees the plaintext.

    The empty string stays empty, so "no secret" needs no decryption. Values cannot be searched
    or compared in queries, by design.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
