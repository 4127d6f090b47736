"""Personal-data category for the profile: display name and avatar (P20, P22, P28)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from mosaic.accounts.models import User
from mosaic.photos.storage import private_storage
from mosaic.privacy.registry import Category, Holding, Text, register
from mosaic.profiles.models import Profile
from mosaic.profiles.services import erase_profiles

#: Flat keys, so "Your data" shows each as a line (``panel.data_summary``); ``avatar`` is the
#: file's place in the export.
NO_AVATAR: dict[str, str | None] = {
    "avatar": None,
    "avatar_uploaded_as": None,
    "avatar_added": None,
    "avatar_sha256": None,
}


def _avatar_file(profile: Profile) -> str:
    return f"avatar.{profile.avatar.original.format.lower() or 'bin'}" if profile.avatar else ""


@register
class ProfileData(Category):
    key = "profile"
    title = _("Profile")
    description = _(
        "The optional display name and avatar you chose, shown with the comments you write:"
        " the avatar's original file (kept private) and a small copy without any metadata."
    )
    purpose = _("To show your name and picture where you choose to appear.")
    legal_basis = _("Consent: you fill these fields in only if you want to.")
    holdings = (
        Holding("accounts.User", ("display_name",)),
        Holding("profiles.Profile", ("user", "avatar", "avatar_thumbnail")),
    )

    def retention(self) -> Text:
        return _(
            "Until you clear or remove them, or your account is deleted; pages showing them"
            " are rebuilt without them."
        )

    def export(self, user: User) -> dict[str, Any]:
        return self.export_all([user])[user.pk]

    def export_all(self, users: Sequence[User]) -> dict[int, Any]:
        profiles = Profile.objects.filter(
            user__any=[user.pk for user in users], avatar__isnull=False
        ).select_related("avatar__original")
        avatars = {
            profile.pk: {
                "avatar": f"{self.key}/{_avatar_file(profile)}",
                "avatar_uploaded_as": profile.avatar.filename,
                "avatar_added": profile.avatar.created_at.isoformat(),
                "avatar_sha256": profile.avatar.original.sha256,
            }
            for profile in profiles
            if profile.avatar is not None
        }
        return {
            user.pk: {"display_name": user.display_name, **avatars.get(user.pk, NO_AVATAR)}
            for user in users
        }

    def files(self, user: User) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
        """The avatar as uploaded (P20: a copy of what you gave us)."""
        profile = (
            Profile.objects.filter(user=user, avatar__isnull=False)
            .select_related("avatar__original")
            .first()
        )
        if profile is not None and profile.avatar is not None:
            opener = partial(private_storage().open, profile.avatar.original.name, "rb")
            yield _avatar_file(profile), opener

    def erase(self, user: User) -> int:
        return self.erase_all([user])

    def erase_all(self, users: Sequence[User]) -> int:
        return erase_profiles(user_ids=[user.pk for user in users])
