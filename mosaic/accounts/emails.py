"""The account emails Mosaic writes itself (allauth's own go through ``adapter.send_mail``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mosaic.accounts.models import KnownDevice
from mosaic.mail.services import send


def send_new_device_alert(*, device: KnownDevice) -> None:
    """P19: tell the user someone signed in to their account from a new device."""
    user = device.user
    if not user.email:
        return
    context = {
        "user": user,
        "device": device,
        "sessions_url": settings.SITE_URL + reverse("usersessions_list"),
        "password_url": settings.SITE_URL + reverse("account_change_password"),
    }
    send(
        "accounts/email/new_device",
        to=user.email,
        user=user,
        context=context,
    )  # in the account's language (User.language), whichever the new device's browser says
