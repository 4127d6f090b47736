"""Changing a profile: the display name and the avatar (P28: both optional; P22: shown with the
comments a person writes). Every change announces itself with ``identity_changed`` on commit.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mosaic.photos.imaging import square_thumbnail
from mosaic.photos.services import add_photo, limits, read_upload, release_photos
from mosaic.profiles.models import Profile
from mosaic.profiles.signals import send_identity_changed

if TYPE_CHECKING:
    from mosaic.accounts.models import User

#: The avatar thumbnail's side in pixels: what comments show, about 1-2 kB as WebP.
AVATAR_SIZE = 96
#: Characters a display name may not hold: controls (NUL, newlines, escapes), line and
#: paragraph separators, and the bidirectional overrides that make text read backwards.
#: Joiners (U+200C, U+200D) stay: emoji sequences and several scripts need them.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs", "Co", "Cn"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def display_name_max_length() -> int:
    from mosaic.accounts.models import User

    return int(User._meta.get_field("display_name").max_length or 80)


def clean_display_name(value: str) -> str:
    """A display name as kept: trimmed, at most the field's length, no control characters.
    An empty one is valid (P28): the username shows instead."""
    name = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in name) or any(
        char in _BIDI_CONTROLS for char in name
    ):
        raise ValidationError(
            _(
                "A display name cannot contain line breaks, tabs or other invisible control"
                " characters."
            ),
            code="control_characters",
        )
    longest = display_name_max_length()
    if len(name) > longest:
        raise ValidationError(
            _("A display name can be at most %(longest)d characters (it has %(length)d).")
            % {"longest": longest, "length": len(name)},
            code="too_long",
        )
    return name


def set_display_name(*, user: User, display_name: str) -> bool:
    """Save ``display_name`` (cleaned, ``ValidationError`` otherwise); whether it changed."""
    name = clean_display_name(display_name)
    if name == user.display_name:
        return False
    user.display_name = name
    user.save(update_fields=["display_name"])
    send_identity_changed([user.pk])
    return True


def set_avatar(*, user: User, source: IO[bytes], filename: str) -> Profile:
    """Make an upload the person's avatar, replacing any earlier one.

    1. Read at most ``PHOTOS_MAX_BYTES`` and make the thumbnail with the photo pipeline: a
       file that is not a photo we accept raises ``PhotoRejected`` before anything is written.
    2. Store it as a photo (private original, P05) and point the profile at it, in one
       transaction; the earlier avatar's photo is deleted unless something else uses it.
    """
    data = read_upload(source)
    thumbnail = square_thumbnail(data, size=AVATAR_SIZE, limits=limits())
    with transaction.atomic():
        profile = _locked_profile(user)
        earlier = profile.avatar_id
        photo = add_photo(owner=user, source=io.BytesIO(data), filename=filename)
        profile.avatar, profile.avatar_thumbnail = photo, thumbnail
        profile.save(update_fields=["avatar", "avatar_thumbnail", "updated_at"])
        if earlier is not None and earlier != photo.pk:
            release_photos(photo_ids=[earlier])
        send_identity_changed([user.pk])
    return profile


def remove_avatar(*, user: User) -> bool:
    """Remove the avatar (initials show instead) and delete its photo unless something else
    uses it; whether there was one."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if profile is None or (profile.avatar_id is None and not profile.avatar_thumbnail):
            return False
        earlier = profile.avatar_id
        profile.avatar, profile.avatar_thumbnail = None, b""
        profile.save(update_fields=["avatar", "avatar_thumbnail", "updated_at"])
        if earlier is not None:
            release_photos(photo_ids=[earlier])
        send_identity_changed([user.pk])
    return True


def erase_profiles(*, user_ids: Sequence[int]) -> int:
    """P08: delete these people's profiles, their avatars' photos (unless a post or a site
    still uses one) and their display names, a whole batch in a few queries (plus one deletion
    per avatar); returns rows affected."""
    from mosaic.accounts.models import User

    with transaction.atomic():
        profiles = Profile.objects.filter(user__any=list(user_ids))
        avatar_ids = list(profiles.filter(avatar__isnull=False).values_list("avatar_id", flat=True))
        count = profiles.delete()[0]
        named = User.objects.filter(pk__any=list(user_ids)).exclude(display_name="")
        count += named.update(display_name="")
        release_photos(photo_ids=avatar_ids)
        send_identity_changed(user_ids)
    return count


def _locked_profile(user: User) -> Profile:
    # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
    Profile.objects.get_or_create(user=user)
    return Profile.objects.select_for_update().get(user=user)
