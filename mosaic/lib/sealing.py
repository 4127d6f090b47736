"""Sealed boxes: encryption to a public key, so the service can write but never read (P09).

Hybrid encryption in the manner of HPKE/libsodium sealed boxes, from ``cryptography``'s
primitives: a fresh X25519 key pair per box, a shared secret with the recipient's public key,
HKDF-SHA256 to an AES-256-GCM key, and the ephemeral public key stored beside the ciphertext.
Only the holder of the recipient's private key (the security team, offline) can open a box.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"mosaic sealed box v1"
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class SealError(Exception):
    """A box cannot be opened: wrong key, or the box was altered."""


@dataclass(frozen=True)
class SealedBox:
    ephemeral_public_key: bytes
    nonce: bytes
    ciphertext: bytes


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + ephemeral + recipient)
    return hkdf.derive(shared)


def public_key_from_text(text: str) -> X25519PublicKey:
    """A public key given as base64 of its 32 raw bytes (how settings and commands carry it)."""
    try:
        return X25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError as exc:
        raise SealError("not an X25519 public key (base64 of 32 bytes)") from exc


def private_key_from_text(text: str) -> X25519PrivateKey:
    try:
        return X25519PrivateKey.from_private_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError as exc:
        raise SealError("not an X25519 private key (base64 of 32 bytes)") from exc


def new_key_pair() -> tuple[str, str]:
    """(private, public), each as base64 text."""
    private = X25519PrivateKey.generate()
    private_raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public_raw = private.public_key().public_bytes(*_RAW)
    return base64.b64encode(private_raw).decode(), base64.b64encode(public_raw).decode()


def fingerprint(public_key: X25519PublicKey) -> str:
    return hashlib.sha256(public_key.public_bytes(*_RAW)).hexdigest()[:16]


def seal(plaintext: bytes, recipient: X25519PublicKey) -> SealedBox:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(*_RAW)
    recipient_raw = recipient.public_bytes(*_RAW)
    key = _key(ephemeral.exchange(recipient), ephemeral_public, recipient_raw)
    nonce = os.urandom(12)
    return SealedBox(ephemeral_public, nonce, AESGCM(key).encrypt(nonce, plaintext, None))


def open_box(box: SealedBox, private_key: X25519PrivateKey) -> bytes:
    ephemeral = X25519PublicKey.from_public_bytes(box.ephemeral_public_key)
    recipient_raw = private_key.public_key().public_bytes(*_RAW)
    key = _key(private_key.exchange(ephemeral), box.ephemeral_public_key, recipient_raw)
    try:
        return AESGCM(key).decrypt(box.nonce, box.ciphertext, None)
    except InvalidTag as exc:
        raise SealError("this box was not sealed to that key, or it was altered") from exc
