from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from mosaic.accounts.models import KnownDevice


@task()
def send_new_device_alert(*, device_id: int) -> None:
    """P19: tell the user someone signed in to their account from a new device."""
    device = KnownDevice.objects.select_related("user").filter(pk=device_id).first()
    if device is None or not device.user.email:
        return  # the account or device was deleted meanwhile: nothing to tell anyone
    context = {
        "user": device.user,
        "device": device,
        "sessions_url": settings.SITE_URL + reverse("usersessions_list"),
        "password_url": settings.SITE_URL + reverse("account_change_password"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/new_device_subject.txt", context).strip()
        body = render_to_string("accounts/email/new_device_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [device.user.email],
    )
