"""The rights an organization's admins can take from a member (C8), and the one check every
path asks before acting: panel views, forms, services, management commands and the
data-rights flow all call ``check`` (or read ``restriction`` to explain a disabled button).

    from mosaic.organizations import rights
    rights.check(user, rights.DELETING)   # raises rights.Restricted, a PermissionDenied
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mosaic.accounts.models import User
from mosaic.organizations.models import Membership

DELETING = "no_deleting"
PRIVACY_CHANGES = "no_privacy_changes"
INSTAGRAM = "no_instagram"
RIGHTS = (DELETING, PRIVACY_CHANGES, INSTAGRAM)

#: What each restriction forbids, in the words the member and the admin read.
LABELS = {
    DELETING: gettext_lazy(
        "Delete content: sites, posts, photos, and the account itself (which deletes them)"
    ),
    PRIVACY_CHANGES: gettext_lazy(
        "Change privacy settings: a site's visibility and whether search engines may list it"
    ),
    INSTAGRAM: gettext_lazy("Connect an Instagram account"),
}


class Restricted(PermissionDenied):
    """The member's organization took this right away; ``str()`` explains it to them."""

    def __init__(self, message: str, right: str) -> None:
        super().__init__(message)
        self.message = message
        self.right = right

    def __str__(self) -> str:
        return self.message


def _membership(user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(
            user_id=user.pk, claimed_at__isnull=False, blocked_at__isnull=True
        )
        .select_related("organization")
        .first()
    )


def restriction(user: User, right: str) -> str:
    """Why ``user`` may not use ``right`` (a sentence), or "" when they may."""
    if right not in RIGHTS:
        raise ValueError(f"unknown right {right!r}")
    membership = _membership(user)
    if membership is None or not getattr(membership, right):
        return ""
    messages = {
        DELETING: _(
            "Your organization, %(organization)s, does not allow its members to delete "
            "content. Ask its admins, or leave the organization by changing your email "
            "address to a personal one; your sites stay yours."
        ),
        PRIVACY_CHANGES: _(
            "Your organization, %(organization)s, does not allow its members to change "
            "privacy settings (visibility and search engines). Ask its admins."
        ),
        INSTAGRAM: _(
            "Your organization, %(organization)s, does not allow its members to connect an "
            "Instagram account. Ask its admins."
        ),
    }
    return messages[right] % {"organization": membership.organization.name}


def check(user: User, right: str) -> None:
    """Raise ``Restricted`` when ``user``'s organization took ``right`` away."""
    message = restriction(user, right)
    if message:
        raise Restricted(message, right)
