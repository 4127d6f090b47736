"""Sealing an erased account's profile and login data (P09), and opening it, case by case."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from mosaic.accounts.models import User
from mosaic.lib.devkeys import development_secret
from mosaic.lib.sealing import (
    SealedBox,
    fingerprint,
    new_key_pair,
    open_box,
    private_key_from_text,
    public_key_from_text,
    seal,
)
from mosaic.privacy.models import SealedArchive
from mosaic.privacy.registry import categories

#: The categories whose data P09 keeps, sealed, after erasure: profile and login data.
SEALED_CATEGORIES = ("account", "profile", "security")
DEV_KEY_FILE_NAME = "sealed-archive-private.key"


def archive_public_key() -> X25519PublicKey:
    """The security team's public key; in development, the public half of a key under var/."""
    if settings.PRIVACY_ARCHIVE_PUBLIC_KEY:
        return public_key_from_text(settings.PRIVACY_ARCHIVE_PUBLIC_KEY)
    private = development_secret(DEV_KEY_FILE_NAME, lambda: new_key_pair()[0])
    return private_key_from_text(private).public_key()


def lookup_for(identifier: str) -> str:
    """The keyed hash by which an archive is found from an email address or a username."""
    key = hashlib.sha256(b"mosaic sealed archive lookup:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, identifier.strip().lower().encode(), hashlib.sha256).hexdigest()


def seal_account(*, user: User, now: dt.datetime | None = None) -> SealedArchive:
    """P09: seal the profile and login data of an account about to be erased."""
    return seal_accounts(users=[user], now=now)[0]


def seal_accounts(*, users: Sequence[User], now: dt.datetime | None = None) -> list[SealedArchive]:
    """P09: seal the profile and login data of each account of a batch about to be erased."""
    now = now or timezone.now()
    recipient = archive_public_key()
    key_fingerprint = fingerprint(recipient)
    exports = {
        category.key: category.export_all(users)
        for category in categories()
        if category.key in SEALED_CATEGORIES
    }
    archives = []
    for user in users:
        content: dict[str, Any] = {key: data[user.pk] for key, data in exports.items()}
        content["sealed_at"] = now.isoformat()
        box = seal(json.dumps(content, ensure_ascii=False).encode(), recipient)
        archives.append(
            SealedArchive(
                created_at=now,
                destroy_after=now + dt.timedelta(days=settings.PRIVACY_ARCHIVE_DAYS),
                email_lookup=lookup_for(user.email) if user.email else "",
                username_lookup=lookup_for(user.username),
                key_fingerprint=key_fingerprint,
                ephemeral_public_key=box.ephemeral_public_key,
                nonce=box.nonce,
                ciphertext=box.ciphertext,
            )
        )
    return _store(archives)


def _store(archives: list[SealedArchive]) -> list[SealedArchive]:
    """Insert the archives: on PostgreSQL by ``COPY`` (their keys taken from the sequence
    first), not one ``INSERT`` whose thousands of parameters, ciphertexts among them, are
    written into its text by the client (a tenth of erasing a batch)."""
    if connection.vendor != "postgresql" or not archives:
        return SealedArchive.objects.bulk_create(archives)
    meta = SealedArchive._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    assert meta.pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(archives)],
        )
        for archive, (key,) in zip(archives, cursor.fetchall(), strict=True):
            archive.pk = key
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for archive in archives:
                copy.write_row([getattr(archive, field.attname) for field in fields])
    for archive in archives:
        archive._state.adding = False
    return archives


def find_archives(identifier: str) -> list[SealedArchive]:
    """Archives of the account that had this email address or username."""
    digest = lookup_for(identifier)
    query = Q(email_lookup=digest) | Q(username_lookup=digest)
    return list(SealedArchive.objects.filter(query).order_by("created_at"))


def open_archive(archive: SealedArchive, private_key_text: str) -> dict[str, Any]:
    box = SealedBox(
        bytes(archive.ephemeral_public_key), bytes(archive.nonce), bytes(archive.ciphertext)
    )
    result: dict[str, Any] = json.loads(open_box(box, private_key_from_text(private_key_text)))
    return result
