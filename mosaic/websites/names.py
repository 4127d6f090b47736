"""File and folder names for a site's pages, safe for any text (P07: one hashtag must never
stop a site from publishing, or from taking a removed post offline).

A tag page lives at ``t/<name>/``. A short tag in plain letters, digits and underscore keeps its
own name (``t/sea/``); anything else (long, non-Latin, mixed) gets a slug of at most
``SLUG_BYTES`` bytes and a short hash of the whole tag (``t/море-3f2a9c01d4/``), so no name passes
the 255-byte limit of common file systems, two tags never share a folder, and a hashed name (it
always holds a ``-``, which no hashtag does) never equals a plain one.
"""

from __future__ import annotations

import hashlib
import re

from django.utils.text import slugify

PLAIN = re.compile(r"[a-z0-9_]{1,40}")
SLUG_BYTES = 32
HASH_CHARS = 10


def capped(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    return text.encode()[:limit].decode(errors="ignore")


def tag_folder(key: str) -> str:
    """The folder name of the tag page for ``key`` (``hashtags.tag_key``)."""
    if PLAIN.fullmatch(key):
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:HASH_CHARS]
    slug = capped(slugify(key, allow_unicode=True), SLUG_BYTES).strip("-_")
    return f"{slug or 'tag'}-{digest}"
