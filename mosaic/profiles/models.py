"""A person's optional public profile (P28): an avatar beside the account's display name.

The display name itself is ``accounts.User.display_name`` (one display name per account, the one
"Your data" lets a person correct); this app owns the avatar and what others see of both
(``identity.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def forget_avatar(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """``on_delete`` of ``Profile.avatar``: when the avatar's photo is deleted elsewhere (its
    post released, the photos erased), its thumbnail goes with it, and the pages showing the
    person are told (``identity_changed``), exactly as when the owner removes it."""
    from mosaic.profiles.signals import send_identity_changed

    collector.add_field_update(field, None, sub_objs)
    collector.add_field_update(Profile._meta.get_field("avatar_thumbnail"), b"", sub_objs)
    send_identity_changed(profile.pk for profile in sub_objs)


class Profile(models.Model):
    """Only people who chose an avatar have a row; everyone else shows the default (their
    display name or username, and initials). Every field may stay empty (P28)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="profile"
    )
    avatar = models.ForeignKey(
        "photos.Photo", null=True, blank=True, on_delete=forget_avatar, related_name="+"
    )
    # A ~96 px square WebP made from the avatar by the photo pipeline, without any metadata:
    # shown inline (a data: URI), so public pages need no file of it (``identity.py``).
    avatar_thumbnail = models.BinaryField(blank=True, default=b"")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of user {self.pk}"
