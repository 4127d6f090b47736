"""allauth's email signals: a verified, changed or removed address may start or end a
membership (``members.sync_user``)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import (
    email_changed,
    email_confirmed,
    email_removed,
    user_logged_in,
)
from django.dispatch import receiver

from mosaic.organizations.members import sync_user


@receiver(email_confirmed)
def address_confirmed(sender: Any, email_address: Any, **kwargs: Any) -> None:
    sync_user(user=email_address.user)


@receiver(email_removed)
@receiver(email_changed)
def address_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    sync_user(user=user)


@receiver(user_logged_in)
def refuse_suspended(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """C8: a suspended member's sign-in marks the session; the middleware refuses it."""
    from mosaic.organizations.middleware import SUSPENDED_FLAG, suspended

    if request is not None and suspended(user.pk):
        request.session[SUSPENDED_FLAG] = True
