"""How a comment's author is shown (P22): their public identity, from ``mosaic.profiles``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mosaic.accounts.models import User


@dataclass(frozen=True)
class PublicIdentity:
    display_name: str
    initials: str
    avatar_src: str | None


def _identity(user: User) -> PublicIdentity:
    name = user.get_full_name() or user.username
    return PublicIdentity(display_name=name, initials=name[:1].upper(), avatar_src=None)


def public_identity(user: User) -> PublicIdentity:
    return _identity(user)


def public_identities(user_ids: Iterable[int]) -> dict[int, PublicIdentity]:
    return {user.pk: _identity(user) for user in User.objects.filter(pk__in=set(user_ids))}
