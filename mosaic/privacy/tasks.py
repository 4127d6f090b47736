from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from mosaic.accounts.models import User


@task()
def send_deletion_receipt(*, user_id: int) -> None:
    """P08: confirm a deletion request, with the date of final deletion and how to undo it."""
    user = User.objects.filter(pk=user_id, scheduled_deletion_at__isnull=False).first()
    if user is None or not user.email:
        return  # restored meanwhile, or already gone
    context = {"user": user, "login_url": settings.SITE_URL + reverse("account_login")}
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string("privacy/email/deletion_receipt_subject.txt", context).strip(),
        render_to_string("privacy/email/deletion_receipt_message.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
