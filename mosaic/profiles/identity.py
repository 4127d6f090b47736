"""What others see of a person: a display name, initials, and an avatar (P22, P28).

The public API for apps that show people (comments): ``public_identity`` for one,
``public_identities`` for a page of them. Both are optional for the person (P28): without a
display name the username shows (usernames are public in Mosaic), without an avatar the initials.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mosaic.lib import keys  # noqa: F401  (registers the ``__any`` lookup)

if TYPE_CHECKING:
    from mosaic.accounts.models import User


@dataclass(frozen=True)
class PublicIdentity:
    display_name: str
    initials: str
    # A data:image/webp;base64 URI of a ~96 px square, metadata-free WebP, or None: show the
    # initials. Inline, so a static public page needs no file of it and keeps nothing of it
    # once rebuilt after an erasure.
    avatar_src: str | None


def initials(name: str) -> str:
    """Up to two letters: the first letter of the first and of the last word, uppercase.

    Any script's letters count (``str.isalpha``: Latin, Cyrillic, Greek, CJK...); words
    without a letter (emoji, digits, punctuation) are skipped; a letter keeps the accents
    that follow it (NFC)."""
    letters = [
        letter
        for word in unicodedata.normalize("NFC", name).split()
        if (letter := next((char for char in word if char.isalpha()), ""))
    ]
    chosen = letters[:1] + letters[1:][-1:]
    return "".join(_upper(letter) for letter in chosen)


def _upper(letter: str) -> str:
    upper = letter.upper()
    return upper if len(upper) == 1 else letter  # "ß" stays one letter, not "SS"


def data_uri(thumbnail: bytes) -> str:
    return "data:image/webp;base64," + base64.b64encode(thumbnail).decode("ascii")


def _identity(username: str, display_name: str, thumbnail: bytes | None) -> PublicIdentity:
    name = display_name or username
    return PublicIdentity(
        display_name=name,
        initials=initials(name) or initials(username),
        avatar_src=data_uri(bytes(thumbnail)) if thumbnail else None,
    )


def public_identity(user: User) -> PublicIdentity:
    """One person's public identity (one query, for the avatar)."""
    from mosaic.profiles.models import Profile

    thumbnail = (
        Profile.objects.filter(user_id=user.pk, avatar__isnull=False)
        .values_list("avatar_thumbnail", flat=True)
        .first()
    )
    return _identity(user.username, user.display_name, thumbnail)


def public_identities(user_ids: Iterable[int]) -> dict[int, PublicIdentity]:
    """The public identity of each of ``user_ids`` that names an account, in one query
    whatever their number (ids of no account are left out)."""
    from mosaic.accounts.models import User

    ids = sorted({int(user_id) for user_id in user_ids})
    if not ids:
        return {}
    rows = User.objects.filter(pk__any=ids).values_list(
        "pk", "username", "display_name", "profile__avatar_id", "profile__avatar_thumbnail"
    )
    return {
        pk: _identity(username, display_name, thumbnail if avatar_id else None)
        for pk, username, display_name, avatar_id, thumbnail in rows
    }
